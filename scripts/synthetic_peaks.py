"""Rule synthetic_peaks: one TF's motif instances of a synthetic dataset as a narrowPeak."""

from motifnet.data.synthetic import write_motif_peaks
from motifnet.rulescript import run


def main(smk):
    write_motif_peaks(smk.input.motifs, smk.input.fai, smk.wildcards.tf, smk.params.width,
                      smk.output[0])


run(main, snakemake)  # noqa: F821
