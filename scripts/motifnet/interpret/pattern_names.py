"""The naming job of TF-MoDISco patterns: TomTom against the motif database and the same
calibrated named call as filters (:mod:`.scoring`: E-value, empirical FDR against
column-shuffled copies of the patterns, information), scored like filters and, on synthetic
data, against the embedded motifs (:mod:`.seqlets`).

Outputs: ``pattern_tomtom.tsv`` (the TomTom table), ``pattern_names.tsv`` (one row per
pattern: its class and sign beside the named call's columns) and ``patterns.json`` (the
scores; merged into ``learned.json`` under ``attribution``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping

import pandas as pd

from ..io import write_json, write_tsv
from ..motifs.meme import read_meme
from ..motifs.scoring import (
    CALL_SETTINGS,
    NAME_COLUMNS,
    call_names,
    compare_with_null,
    informative_queries,
    score_filters,
)
from ..motifs.tomtom import write_matches
from .attribution_maps import load_classes, read_summary
from .ground_truth import read_instances
from .patterns import read_pattern_table, read_seqlets
from .seqlets import attribution_scores, seqlet_scores

log = logging.getLogger(__name__)

PATTERN_NAME_COLUMNS = ["pattern", "class", "sign", *NAME_COLUMNS[1:]]


def own_class_recovery(names: pd.DataFrame, patterns: pd.DataFrame) -> list[str]:
    """Classes with a pattern of their own named after the class's ground-truth TF."""
    classes = patterns.set_index("pattern")["class"]
    named = names[names["named"] & names["ground_truth"].notna()]
    return sorted({tf for pattern, tf in zip(named["pattern"], named["ground_truth"])
                   if classes[pattern] == tf})


def name_patterns(queries_path: str | os.PathLike, patterns_path: str | os.PathLike,
                  seqlets_path: str | os.PathLike, attributions: str | os.PathLike,
                  motif_db: str | os.PathLike, settings: dict,
                  ground_truth: Mapping[str, str] | None,
                  truth_files: tuple[str, str] | None, matches_path: str | os.PathLike,
                  names_path: str | os.PathLike, scores_path: str | os.PathLike,
                  threads: int | None = None) -> dict:
    """Name a model's patterns (``patterns.meme``, ``patterns.tsv``) with the config's
    ``tomtom`` ``settings``, score them, and with ``truth_files`` (the synthetic generator's
    ``regions.bed`` and ``motifs.bed``) score seqlets and attributions against the embedded
    motifs; writes the three outputs of the module docstring and returns the scores."""
    table = read_pattern_table(patterns_path)
    has_queries = table["query_start"].notna().any()
    queries, uniform = informative_queries(read_meme(queries_path) if has_queries else [])
    matches, null_matches, engine = compare_with_null(queries, motif_db, settings, threads)
    write_matches(matches_path, matches)
    call = {key: settings[key] for key in CALL_SETTINGS}
    names, null = call_names(matches, null_matches, queries, table["pattern"].tolist(),
                             settings["null_shuffles"], ground_truth=ground_truth, **call)
    names = names.rename(columns={"filter": "pattern"})
    names.insert(1, "class", table["class"].to_numpy())
    names.insert(2, "sign", table["sign"].to_numpy())
    write_tsv(names_path, names[PATTERN_NAME_COLUMNS], float_format="%.6g")
    made = read_summary(attributions)
    scores = {"method": made["method"], "requested": made["requested"],
              "fallback": made["fallback"], "n_sequences": made["n_sequences"],
              "classes": made["classes"], "skipped_classes": made["skipped"],
              "engine": engine, "not_compared": uniform,
              "patterns_per_class": table["class"].value_counts().to_dict(),
              **score_filters(names.rename(columns={"pattern": "filter"}), matches, null, call,
                              ground_truth=ground_truth, unit="patterns")}
    if ground_truth:
        scores["ground_truth"]["recovered_by_own_class"] = own_class_recovery(names, table)
    if truth_files:
        instances = read_instances(*truth_files)
        classes = load_classes(attributions)
        attributed = {maps.class_name: maps.ids for maps in classes}
        length = classes[0].x.shape[-1] if classes else 0
        scores["seqlets"] = seqlet_scores(read_seqlets(seqlets_path), instances, attributed,
                                          length)
        scores["attribution"] = attribution_scores(classes, instances)
    if table.empty:
        log.info("TF-MoDISco found no patterns: nothing to name")
    log.info("%d of %d patterns named (%d with E < %g); shuffled null: %.3f named; engine %s",
             scores["n_matched"], len(table), scores["n_significant"],
             settings["evalue_threshold"], null["fraction_named"], engine)
    write_json(scores_path, scores)
    return scores
