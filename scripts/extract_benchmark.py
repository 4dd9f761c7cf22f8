"""Rule extract_benchmark: a Genomic Benchmarks dataset's sequences from its genome(s)."""

from motifnet.data.genomic_benchmarks import extract_benchmark
from motifnet.data.table import write_tables
from motifnet.rulescript import run


def main(smk):
    write_tables(smk.output.sequences, smk.output.dropped, smk.output.notes, *extract_benchmark(
        dict(smk.params.intervals), smk.params.genome, dict(smk.params.class_genomes),
        dict(smk.params.genome_files), **smk.params.extraction))


run(main, snakemake)  # noqa: F821
