"""Rule extract_sequences: labelled intervals to fixed-length sequences with bedtools."""

import logging

import numpy as np
import pandas as pd
from motifnet.data.extract import extract
from motifnet.data.intervals import load_intervals
from motifnet.io import atomic_path
from motifnet.rulescript import run


def main(smk):
    labelled = load_intervals(dict(smk.params.intervals), smk.params.task)
    source = ", ".join(smk.input.intervals)
    result = extract(smk.input.fasta, smk.input.fai, labelled.frame, smk.params.length,
                     smk.params.resize, smk.params.max_dropped_fraction, source)
    table = result.kept[["id", "chrom", "start", "end", "strand", "split", "sequence"]].copy()
    labels = labelled.y[result.kept_index]
    for k, name in enumerate(labelled.classes):
        table[f"y:{name}"] = labels[:, k]
    with atomic_path(smk.output.sequences) as tmp:
        table.to_csv(tmp, sep="\t", index=False, compression="gzip")
    result.dropped.to_csv(smk.output.dropped, sep="\t", index=False)
    logging.info("%d intervals extracted, %d dropped", len(table), len(result.dropped))
    for reason, count in result.dropped["reason"].value_counts().items():
        logging.warning("dropped %d intervals: %s (listed in %s)", count, reason,
                        smk.output.dropped)


run(main, snakemake)  # noqa: F821
