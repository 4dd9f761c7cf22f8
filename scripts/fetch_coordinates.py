"""Rule fetch_coordinates: a Genomic Benchmarks dataset's coordinates, fetched and checked."""

from motifnet.data.genomic_benchmarks import fetch_coordinates
from motifnet.rulescript import run


def main(smk):
    fetch_coordinates(smk.wildcards.benchmark, int(smk.wildcards.version), smk.params.url,
                      smk.output.bed, offline=smk.params.offline)


run(main, snakemake)  # noqa: F821
