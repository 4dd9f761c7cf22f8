"""Rule prepare_genome: local or downloaded (sha256-checked) genome, decompressed and indexed."""

from motifnet.data.genome import prepare_configured_genome
from motifnet.rulescript import run


def main(smk):
    prepare_configured_genome(smk.params.spec, smk.output.fasta, smk.params.download_dir,
                              offline=smk.params.offline)


run(main, snakemake)  # noqa: F821
