"""Rule import_sequences: users' own labelled sequences (FASTA or TSV), resized, as a table."""

import logging

from motifnet.data.imported import import_sequences, write_table
from motifnet.rulescript import run


def main(smk):
    table, dropped = import_sequences(dict(smk.params.spec), smk.params.task,
                                      smk.params.length, smk.params.resize,
                                      smk.params.max_dropped_fraction,
                                      need_split=smk.params.split_method == "predefined")
    write_table(smk.output.sequences, table)
    write_table(smk.output.dropped, dropped, compress=False)
    logging.info("%d sequences imported, %d dropped (listed in %s)", len(table), len(dropped),
                 smk.output.dropped)


run(main, snakemake)  # noqa: F821
