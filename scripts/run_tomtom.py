"""Rule tomtom: name each filter against the motif database; score what the model learned."""

import logging

import pandas as pd

from motifnet.io import atomic_path, write_json
from motifnet.learned import score_filters, shuffled_controls
from motifnet.meme import read_meme
from motifnet.rulescript import run
from motifnet.tomtom import run_tomtom

REPORTED_EVALUE = 10.0  # near misses are kept in tomtom.tsv; the threshold decides matches


def main(smk):
    cfg = smk.params.tomtom
    queries = read_meme(smk.input.queries)
    filters = pd.read_csv(smk.input.table, sep="\t")
    settings = dict(engine=cfg["engine"], dist=cfg["dist"], min_overlap=cfg["min_overlap"],
                    evalue_threshold=max(REPORTED_EVALUE, cfg["evalue_threshold"]),
                    threads=smk.threads)
    matches, engine = run_tomtom(queries, smk.input.motif_db, **settings)
    null, _ = run_tomtom(shuffled_controls(queries), smk.input.motif_db, **settings)
    matches["significant"] = matches["e_value"] < cfg["evalue_threshold"]
    with atomic_path(smk.output.matches) as tmp:
        matches.to_csv(tmp, sep="\t", index=False)
    scores = {"engine": engine, "settings": cfg, "layers": {}}
    for layer, group in filters.groupby("layer", sort=False):
        scores["layers"][layer] = score_filters(
            matches, group["id"].tolist(), cfg["evalue_threshold"],
            ground_truth=dict(smk.params.ground_truth) or None, null_matches=null,
        )
        logging.info("%s: %s of %d filters match (shuffled control %s), engine %s", layer,
                     scores["layers"][layer]["n_matched"], len(group),
                     scores["layers"][layer]["null_shuffled"]["n_matched"], engine)
    write_json(smk.output.learned, scores)


run(main, snakemake)  # noqa: F821
