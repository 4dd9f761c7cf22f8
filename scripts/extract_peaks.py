"""Rule extract_peaks: peak files on a genome to labelled sequences (negatives or bins)."""

from motifnet.data.from_peaks import peak_sequences
from motifnet.data.table import write_tables
from motifnet.rulescript import run


def main(smk):
    write_tables(smk.output.sequences, smk.output.dropped, smk.output.notes, *peak_sequences(
        dict(smk.params.peaks), smk.input.fasta, smk.input.fai, **smk.params.extraction))


run(main, snakemake)  # noqa: F821
