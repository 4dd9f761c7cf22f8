"""Rule extract_sequences: labelled intervals to fixed-length sequences with bedtools."""

from motifnet.data.extract import extract_intervals
from motifnet.data.table import write_tables
from motifnet.rulescript import run


def main(smk):
    write_tables(smk.output.sequences, smk.output.dropped, smk.output.notes, *extract_intervals(
        dict(smk.params.intervals), smk.input.fasta, smk.input.fai, **smk.params.extraction))


run(main, snakemake)  # noqa: F821
