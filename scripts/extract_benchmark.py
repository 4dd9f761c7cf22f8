"""Rule extract_benchmark: a Genomic Benchmarks dataset's sequences from its genome(s)."""

import logging

import pandas as pd
from motifnet.data.genomic_benchmarks import CLASS_COLUMN, extract_by_genome, genome_of_rows
from motifnet.data.imported import write_table
from motifnet.data.intervals import load_intervals
from motifnet.rulescript import run


def main(smk):
    spec = dict(smk.params.intervals)
    labelled = load_intervals(spec, smk.params.task)
    classes = pd.read_csv(spec["bed"], sep="\t", header=None, usecols=[CLASS_COLUMN - 1],
                          dtype=str, keep_default_na=False).iloc[:, 0]
    row_genomes = genome_of_rows(classes, dict(smk.params.class_genomes), smk.params.genome)
    table, dropped = extract_by_genome(
        labelled, row_genomes, dict(smk.params.genome_files), smk.params.length,
        smk.params.resize, smk.params.max_dropped_fraction, spec["bed"])
    write_table(smk.output.sequences, table)
    write_table(smk.output.dropped, dropped, compress=False)
    logging.info("%d intervals extracted, %d dropped", len(table), len(dropped))
    for reason, count in dropped["reason"].value_counts().items():
        logging.warning("dropped %d intervals: %s (listed in %s)", count, reason,
                        smk.output.dropped)


run(main, snakemake)  # noqa: F821
