"""Rule extract_pfms: convolution filters to PFMs from the sequence windows that activate them."""

from motifnet.motifs.filters import extract_filter_motifs
from motifnet.rulescript import run


def main(smk):
    extract_filter_motifs(smk.input.model, smk.input.sequences, list(smk.params.layers),
                          smk.params.motifs, smk.output.pfms, smk.output.table, smk.output.meme,
                          threads=smk.threads)


run(main, snakemake)  # noqa: F821
