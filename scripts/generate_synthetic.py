"""Rule generate_synthetic: Koo & Eddy synthetic genome, regions and ground-truth motifs."""

from motifnet.data.synthetic import generate_dataset
from motifnet.rulescript import run


def main(smk):
    generate_dataset(smk.params.synthetic, smk.output.fasta, smk.output.regions,
                     smk.output.motifs)


run(main, snakemake)  # noqa: F821
