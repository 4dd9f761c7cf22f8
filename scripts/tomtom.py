"""Rule tomtom: compare each filter with the motif database, call the names that beat the
shuffled null, and score what the model learned."""

import logging

import pandas as pd
from motifnet.io import atomic_path, write_json
from motifnet.motifs.meme import read_meme
from motifnet.motifs.scoring import (
    call_names,
    informative_queries,
    score_filters,
    shuffled_controls,
)
from motifnet.motifs.tomtom import run_tomtom
from motifnet.rulescript import run

REPORTED_EVALUE = 10.0  # near misses are kept in tomtom.tsv; the named call decides names


def main(smk):
    cfg = smk.params.tomtom
    queries, uniform = informative_queries(read_meme(smk.input.queries))
    if uniform:
        logging.info("%d queries with only uniform columns not compared: %s", len(uniform),
                     ", ".join(uniform))
    filters = pd.read_csv(smk.input.table, sep="\t")
    settings = dict(engine=cfg["engine"], dist=cfg["dist"], min_overlap=cfg["min_overlap"],
                    evalue_threshold=max(REPORTED_EVALUE, cfg["evalue_threshold"]),
                    threads=smk.threads)
    matches, engine = run_tomtom(queries, smk.input.motif_db, **settings)
    controls = shuffled_controls(queries, cfg["null_shuffles"], seed=cfg["null_seed"])
    null_matches, _ = run_tomtom(controls, smk.input.motif_db, **settings)
    with atomic_path(smk.output.matches) as tmp:
        matches.to_csv(tmp, sep="\t", index=False)
    call = {key: cfg[key] for key in ("evalue_threshold", "fdr", "min_ic")}
    ground_truth = dict(smk.params.ground_truth) or None
    scores = {"engine": engine, "settings": cfg, "not_compared": uniform, "layers": {}}
    tables = []
    for layer, group in filters.groupby("layer", sort=False):
        ids = group["id"].tolist()
        in_layer = set(ids)
        layer_queries = [m for m in queries if m.id in in_layer]
        names, null = call_names(matches, null_matches, layer_queries, ids,
                                 cfg["null_shuffles"], ground_truth=ground_truth, **call)
        names.insert(0, "layer", layer)
        tables.append(names)
        score = score_filters(names, matches, null, call, ground_truth=ground_truth)
        scores["layers"][layer] = score
        logging.info("%s: %d of %d filters named (%d with E < %g); shuffled null: %.3f named, "
                     "%.3f with E < %g; engine %s, dist %s", layer, score["n_matched"], len(ids),
                     score["n_significant"], cfg["evalue_threshold"], null["fraction_named"],
                     null["fraction_matched"], cfg["evalue_threshold"], engine, cfg["dist"])
    with atomic_path(smk.output.names) as tmp:
        pd.concat(tables).to_csv(tmp, sep="\t", index=False, float_format="%.6g")
    write_json(smk.output.learned, scores)


run(main, snakemake)  # noqa: F821
