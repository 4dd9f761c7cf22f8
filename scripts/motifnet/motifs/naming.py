"""Naming motifs against the database, one way for every kind of query (first-layer filters,
TF-MoDISco patterns, attention motifs):

1. queries whose columns are all uniform are set aside: there is nothing to compare;
2. TomTom compares the queries, and column-shuffled copies of them, with the database
   (:mod:`.tomtom`), and the TomTom table is written;
3. per group of queries (a layer's filters; a model's patterns) the calibrated call names each
   query and the group is scored (:mod:`.scoring`).

The callers write their names table and scores: :func:`name_filters` here (``filter_names.tsv``,
``filters.json``), :func:`motifnet.interpret.pattern_names.name_patterns` for patterns,
:func:`motifnet.interpret.attention_motifs.name_motifs` for attention motifs.
``learned.json`` merges what every path wrote (:func:`merge_learned`).
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..io import write_json, write_tsv
from .database import read_families
from .meme import Motif, read_meme
from .pfm import read_filter_table
from .scoring import (
    CALL_SETTINGS,
    NAME_COLUMNS,
    call_names,
    family_truth,
    informative_queries,
    score_motifs,
    shuffled_controls,
)
from .tomtom import run_tomtom, write_matches

log = logging.getLogger(__name__)

# Near misses are kept in the TomTom table up to this E-value; the named call decides names.
REPORTED_EVALUE = 10.0


@dataclass
class NamingOutputs:
    """The files of a naming job: the TomTom table, the names table and the scores (JSON)."""

    matches: str
    names: str
    scores: str


@dataclass
class Naming:
    """What naming a model's queries gave: per query the call (``names``, with the caller's id
    column and the query's ``group``), per group the scores, the engine used and the queries
    not compared (uniform columns)."""

    engine: str
    names: pd.DataFrame
    scores: dict[str, dict]
    not_compared: list[str]


def compare_with_null(queries: Sequence[Motif], motif_db: str | os.PathLike, settings: Mapping,
                      threads: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """TomTom tables of ``queries`` and of their column-shuffled controls against the motif
    database (the config's ``tomtom`` ``settings``), and the engine used."""
    options = dict(engine=settings["engine"], dist=settings["dist"],
                   min_overlap=settings["min_overlap"],
                   evalue_threshold=max(REPORTED_EVALUE, settings["evalue_threshold"]),
                   threads=threads)
    matches, engine = run_tomtom(queries, motif_db, **options)
    controls = shuffled_controls(queries, settings["null_shuffles"], seed=settings["null_seed"])
    null_matches, _ = run_tomtom(controls, motif_db, **options)
    return matches, null_matches, engine


def name_queries(queries: Sequence[Motif], groups: Mapping[str, Sequence[str]],
                 motif_db: str | os.PathLike, settings: Mapping,
                 ground_truth: Mapping[str, str] | None, matches_path: str | os.PathLike, *,
                 id_column: str, unit: str, threads: int | None = None) -> Naming:
    """Name ``queries`` (those of each group of ids; an id without a query is scored as never
    named) with the config's ``tomtom`` ``settings`` and write the TomTom table.

    ``id_column`` names the query ids in the names table ("filter", "pattern"), ``unit`` the
    counted queries in the scores ("filters", "patterns"). With ground truth, the families
    beside the database (:func:`~.database.read_families`) give the family-level match.
    """
    relatives = family_truth(ground_truth, read_families(motif_db)) if ground_truth else {}
    kept, uniform = informative_queries(queries)
    if uniform:
        log.info("%d queries with only uniform columns not compared: %s", len(uniform),
                 ", ".join(uniform))
    matches, null_matches, engine = compare_with_null(kept, motif_db, settings, threads)
    write_matches(matches_path, matches)
    call = {key: settings[key] for key in CALL_SETTINGS}
    tables, scores = [], {}
    for group, ids in groups.items():
        members = set(ids)
        names, null = call_names(matches, null_matches, [m for m in kept if m.id in members],
                                 ids, settings["null_shuffles"], ground_truth=ground_truth,
                                 relatives=relatives, id_column=id_column, **call)
        tables.append(names.assign(group=group))
        score = score_motifs(names, matches, null, call, ground_truth=ground_truth,
                             relatives=relatives, id_column=id_column, unit=unit)
        scores[group] = score
        log.info("%s: %d of %d %s named (%d with E < %g); shuffled null: %.3f named, %.3f with "
                 "E < %g; engine %s, dist %s", group, score["n_named"], len(ids), unit,
                 score["n_significant"], settings["evalue_threshold"], null["fraction_named"],
                 null["fraction_significant"], settings["evalue_threshold"], engine,
                 settings["dist"])
    columns = [id_column, *NAME_COLUMNS, "group"]
    names = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=columns)
    return Naming(engine, names[columns], scores, uniform)


def name_filters(queries: str | os.PathLike, filters: str | os.PathLike,
                 motif_db: str | os.PathLike, settings: Mapping,
                 ground_truth: Mapping[str, str] | None, outputs: NamingOutputs,
                 threads: int | None = None) -> dict:
    """Name a model's filters (``filters.meme``, layers from ``filters.tsv``) layer by layer and
    write ``tomtom.tsv``, ``filter_names.tsv`` and ``filters.json`` (returned: engine,
    settings, queries not compared, and the scores of each layer)."""
    table = read_filter_table(filters)
    groups = {layer: group["id"].tolist() for layer, group in table.groupby("layer", sort=False)}
    motifs = read_meme(queries, allow_empty=True) if len(table) else []
    naming = name_queries(motifs, groups, motif_db, settings, ground_truth, outputs.matches,
                          id_column="filter", unit="filters", threads=threads)
    names = naming.names.rename(columns={"group": "layer"})
    write_names(outputs.names, names[["layer", "filter", *NAME_COLUMNS]])
    learned = {"engine": naming.engine, "settings": dict(settings),
               "not_compared": naming.not_compared, "layers": naming.scores}
    if len(table) and not motifs:
        learned["no_queries"] = (
            f"none of the {len(table)} filters gave a PFM (no window above the activation "
            "threshold inside a sequence): nothing was compared and no filter is named")
        log.warning("%s: %s; see filters.tsv (max_activation, nsites), and check the model's "
                    "first-layer width against the sequence length", queries,
                    learned["no_queries"])
    write_json(outputs.scores, learned)
    return learned


def write_names(path: str | os.PathLike, names: pd.DataFrame) -> None:
    """Write a names table (``filter_names.tsv``, ``pattern_names.tsv``): one row per query."""
    write_tsv(path, names, float_format="%.6g")


def read_names(path: str | os.PathLike) -> pd.DataFrame:
    """Read ``filter_names.tsv``, indexed by filter id."""
    return pd.read_csv(path, sep="\t").set_index("filter")


def merge_learned(filters_path: str | os.PathLike | None,
                  patterns_path: str | os.PathLike | None,
                  learned_path: str | os.PathLike,
                  attention_path: str | os.PathLike | None = None) -> dict:
    """``learned.json``: what a model learned by every path that ran: the filter scores
    (``filters.json``: engine, settings, ``layers``; ``layers`` empty without that path) and,
    under ``attribution``, the pattern scores (``patterns.json``), under ``attention`` the
    attention motifs' scores (``attention_motifs.json``)."""
    learned: dict = {"layers": {}}
    if filters_path:
        learned = json.loads(Path(filters_path).read_text())
    if patterns_path:
        learned["attribution"] = json.loads(Path(patterns_path).read_text())
    if attention_path:
        learned["attention"] = json.loads(Path(attention_path).read_text())
    write_json(learned_path, learned)
    return learned
