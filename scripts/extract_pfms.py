"""Rule extract_pfms: convolution filters to PFMs from the sequence windows that activate them."""

from motifnet.motifs.filters import FilterOutputs, extract_filter_motifs
from motifnet.rulescript import files_of, run


def main(smk):
    extract_filter_motifs(smk.input.model, smk.input.sequences, list(smk.params.layers),
                          smk.params.motifs, files_of(FilterOutputs, smk.output),
                          threads=smk.threads)


run(main, snakemake)  # noqa: F821
