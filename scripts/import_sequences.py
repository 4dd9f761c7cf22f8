"""Rule import_sequences: users' own labelled sequences (FASTA or TSV), resized, as a table."""

from motifnet.data.imported import import_sequences
from motifnet.data.table import write_tables
from motifnet.rulescript import run


def main(smk):
    write_tables(smk.output.sequences, smk.output.dropped, smk.output.notes, *import_sequences(
        dict(smk.params.spec), **smk.params.extraction,
        need_split=smk.params.split_method == "predefined"))


run(main, snakemake)  # noqa: F821
