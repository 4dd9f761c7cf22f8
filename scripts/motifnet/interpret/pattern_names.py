"""The naming job of TF-MoDISco patterns: named as filters are (:mod:`motifnet.motifs.naming`:
TomTom against the motif database, the calibrated named call, the scores) and, on synthetic
data, scored against the embedded motifs (:mod:`.seqlets`).

Outputs: ``pattern_tomtom.tsv`` (the TomTom table), ``pattern_names.tsv`` (one row per
pattern: its class and sign beside the named call's columns) and ``patterns.json`` (the
scores; merged into ``learned.json`` under ``attribution``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from ..io import write_json
from ..motifs.meme import read_meme
from ..motifs.naming import NamingOutputs, name_queries, write_names
from ..motifs.scoring import NAME_COLUMNS
from .attribution_maps import load_classes, read_summary
from .ground_truth import read_instances
from .patterns import read_pattern_table, read_record, read_seqlets
from .seqlets import attribution_scores, seqlet_scores

log = logging.getLogger(__name__)

PATTERN_NAME_COLUMNS = ["pattern", "class", "sign", *NAME_COLUMNS]
GROUP = "patterns"


@dataclass
class PatternFiles:
    """A model's patterns to name: ``patterns.meme`` (queries), ``patterns.tsv``,
    ``seqlets.tsv``, the ``attributions/`` and ``modisco/`` folders, and on synthetic data the generator's
    ``regions.bed`` and ``motifs.bed`` (``truth``, else empty)."""

    queries: str
    patterns: str
    seqlets: str
    attributions: str
    modisco: str
    truth: tuple[str, ...] = ()


def own_class_recovery(names: pd.DataFrame, patterns: pd.DataFrame) -> list[str]:
    """Classes with a pattern of their own named after the class's ground-truth TF."""
    classes = patterns.set_index("pattern")["class"]
    named = names[names["named"] & names["ground_truth"].notna()]
    return sorted({tf for pattern, tf in zip(named["pattern"], named["ground_truth"])
                   if classes[pattern] == tf})


def named_per_class(names: pd.DataFrame, classes: list[str]) -> dict[str, list[dict]]:
    """Per attributed class, the TFs its patterns are named after: sign (``+`` raises the
    class's output, ``-`` lowers it), patterns and the best E-value, most patterns first."""
    named = names[names["named"]]
    per_class = {}
    for name in classes:
        own = named[named["class"] == name]
        groups = own.groupby(["target_name", "sign"])["e_value"].agg(["size", "min"])
        per_class[name] = [{"tf": str(tf), "sign": sign, "patterns": int(n),
                            "best_e_value": float(e)}
                           for (tf, sign), (n, e) in groups.sort_values(
                               ["size", "min"], ascending=[False, True]).iterrows()]
    return per_class


def name_patterns(files: PatternFiles, motif_db: str | os.PathLike, settings: dict,
                  ground_truth: Mapping[str, str] | None, outputs: NamingOutputs,
                  threads: int | None = None) -> dict:
    """Name a model's patterns with the config's ``tomtom`` ``settings``, score them, and with
    ground-truth files score seqlets and attributions against the embedded motifs; writes the
    three outputs of the module docstring and returns the scores."""
    table = read_pattern_table(files.patterns)
    has_queries = table["query_start"].notna().any()
    naming = name_queries(read_meme(files.queries) if has_queries else [],
                          {GROUP: table["pattern"].tolist()}, motif_db, settings, ground_truth,
                          outputs.matches, id_column="pattern", unit="patterns", threads=threads)
    names = naming.names.drop(columns="group")
    names.insert(1, "class", table["class"].to_numpy())
    names.insert(2, "sign", table["sign"].to_numpy())
    write_names(outputs.names, names[PATTERN_NAME_COLUMNS])
    made = read_summary(files.attributions)
    record = read_record(files.modisco)
    scores = {"method": made["method"], "requested": made["requested"],
              "fallback": made["fallback"], "n_sequences": made["n_sequences"],
              "classes": made["classes"], "skipped_classes": made["skipped"],
              "engine": naming.engine, "not_compared": naming.not_compared,
              "negative_class": made.get("negative_class"),
              "sequences_per_class": made.get("sequences_per_class", {}),
              "patterns_per_class": table["class"].value_counts().to_dict(),
              "named_per_class": named_per_class(names, made["classes"]),
              "modisco": record,
              "notes": [r["note"] for r in record.values() if r["note"]],
              **naming.scores[GROUP]}
    if ground_truth:
        scores["ground_truth"]["recovered_by_own_class"] = own_class_recovery(names, table)
    if files.truth:
        instances = read_instances(*files.truth)
        classes = load_classes(files.attributions)
        attributed = {maps.class_name: maps.ids for maps in classes}
        length = classes[0].x.shape[-1] if classes else 0
        scores["seqlets"] = seqlet_scores(read_seqlets(files.seqlets), instances, attributed,
                                          length)
        scores["attribution"] = attribution_scores(classes, instances)
    if table.empty:
        log.info("TF-MoDISco found no patterns: nothing to name")
    write_json(outputs.scores, scores)
    return scores
