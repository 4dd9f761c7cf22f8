"""Rule extract_pfms: convolution filters to PFMs from the sequence windows that activate them."""

import logging
from pathlib import Path

import pandas as pd
import torch
from motifnet.data.encoded import load_split
from motifnet.errors import InputError
from motifnet.io import atomic_path
from motifnet.motifs.meme import write_meme
from motifnet.motifs.pfm import extract_pfms
from motifnet.rulescript import run
from motifnet.train.checkpoint import load_model


def main(smk):
    cfg = smk.params.motifs
    torch.set_num_threads(smk.threads)
    model, meta = load_model(smk.input.model)
    x = load_split(smk.input.sequences).x[: cfg["max_sequences"]]
    if not smk.params.layers:
        raise InputError(f"model '{meta['model']}' has no layer to extract motifs from",
                         key="motifs.layers", hint="choose an architecture with convolutions")
    tables, queries = [], []
    Path(smk.output.pfms).mkdir(parents=True, exist_ok=True)
    for layer in smk.params.layers:
        pfms = extract_pfms(model, x.astype("float32", copy=False), layer, mode=cfg["mode"],
                            threshold=cfg["threshold"], top_n=cfg["top_n"])
        pfms.save(Path(smk.output.pfms) / f"{layer}.npz")
        table = pfms.table()
        table.insert(0, "layer", layer)
        tables.append(table)
        queries += pfms.motifs(min_sites=1, trim_ic=cfg["trim_ic"])
        silent = table["flag"].eq("never_fires").sum()
        logging.info("%s: %d filters, %d never fire, %d sequences", layer, len(table), silent,
                     len(x))
    with atomic_path(smk.output.table) as tmp:
        pd.concat(tables).to_csv(tmp, sep="\t", index=False)
    write_meme(smk.output.meme, queries)


run(main, snakemake)  # noqa: F821
