"""Rule encode: sequences to one-hot train/val/test arrays and encoding.json."""

import logging

import numpy as np
import pandas as pd
from motifnet.data.encoded import EncodedSplit, file_record, save_split
from motifnet.data.onehot import encode
from motifnet.data.split import SPLITS, assign_splits
from motifnet.io import write_json
from motifnet.rulescript import run


def main(smk):
    table = pd.read_csv(smk.input.sequences, sep="\t", dtype={"split": str},
                        keep_default_na=False)
    classes = [c[2:] for c in table.columns if c.startswith("y:")]
    y = table[[f"y:{c}" for c in classes]].to_numpy(np.uint8)
    split = assign_splits(table, dict(smk.params.split))
    counts = {}
    for name, path in zip(SPLITS, smk.output.splits):
        rows = np.flatnonzero(split == name)
        x = encode(table["sequence"].iloc[rows].tolist(), smk.params.dtype)
        save_split(path, EncodedSplit(x, y[rows], table["id"].iloc[rows].to_numpy(str)))
        counts[name] = {"n": int(len(rows)),
                        "per_class": dict(zip(classes, y[rows].sum(0).tolist()))}
        logging.info("%s: %d sequences, per class %s", name, len(rows), counts[name]["per_class"])
    write_json(smk.output.encoding, {
        "dataset": smk.wildcards.dataset,
        "task": smk.params.task,
        "classes": classes,
        "length": int(len(table["sequence"].iloc[0])),
        "dtype": smk.params.dtype,
        "alphabet": "ACGT",
        "layout": "N x 4 x L",
        "counts": counts,
        "split": dict(smk.params.split),
        "sources": {
            "sequences": file_record(smk.input.sequences),
            "intervals": [file_record(p) for p in smk.params.sources["intervals"]],
            "genome": smk.params.sources["genome"],
        },
    })


run(main, snakemake)  # noqa: F821
