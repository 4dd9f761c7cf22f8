"""Parity of the builtin TomTom engine with MEME suite 5.5.8's own ``tomtom`` outputs.

The fixtures in tests/data/tomtom_reference/ (see its README) are MEME's text output for
JASPAR-derived, random and uniform queries and the default run's cnn-25 and promoter_cnn filters
against JASPAR2024 CORE vertebrates, with ``-dist pearson`` and ``-dist ed``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from motifnet.motifs.meme import read_meme
from motifnet.motifs.scoring import call_names, shuffled_controls
from motifnet.motifs.tomtom import run_tomtom

REFERENCE = Path(__file__).parent / "data" / "tomtom_reference"
QUERY_SETS = {"queries_reference": "queries_reference.meme",
              "cnn25_filters": "cnn25_filters.meme",
              "promoter_cnn_filters": "promoter_cnn_filters.meme"}


@pytest.fixture(scope="module")
def targets():
    return read_meme(REFERENCE / "targets.meme")


def _meme(name: str, dist: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE / f"meme_{name}_{dist}.tsv", sep="\t", comment="#",
                       dtype={"Query_ID": str, "Target_ID": str})


def _parity(ours: pd.DataFrame, meme: pd.DataFrame, queries: list[str]) -> dict:
    """MEME's figures: top-1 agreement where MEME names at E < 0.1, the same call per query's
    best target, and log10 p correlation over pairs both report (MEME's p = 0 excluded)."""
    meme_best = meme.groupby("Query_ID", sort=False).head(1).set_index("Query_ID")
    our_best = ours.groupby("query", sort=False).head(1).set_index("query")
    named = meme_best.index[meme_best["E-value"] < 0.1]
    top1 = np.mean([our_best.loc[q, "target_id"] == meme_best.loc[q, "Target_ID"]
                    for q in named if q in our_best.index])
    meme_call = meme_best["E-value"].reindex(queries).lt(0.1)
    our_call = our_best["e_value"].reindex(queries).lt(0.1)
    pairs = meme.merge(ours, left_on=["Query_ID", "Target_ID"], right_on=["query", "target_id"])
    pairs = pairs[pairs["p-value"] > 0]
    r = np.corrcoef(np.log10(pairs["p-value"]), np.log10(pairs["p_value"]))[0, 1]
    offsets = float((pairs["Optimal_offset"] == pairs["offset"]).mean())
    return {"top1": top1, "call": float((meme_call == our_call).mean()), "r": r,
            "pairs": len(pairs), "offset": offsets}


@pytest.mark.parametrize("dist", ["pearson", "ed"])
@pytest.mark.parametrize("name", list(QUERY_SETS))
def test_builtin_engine_matches_meme(targets, name, dist):
    queries = read_meme(REFERENCE / QUERY_SETS[name])
    ours, engine = run_tomtom(queries, targets, engine="builtin", dist=dist, min_overlap=5,
                              evalue_threshold=1.0)
    assert engine == "builtin"
    figures = _parity(ours, _meme(name, dist), [q.id for q in queries])
    assert figures["top1"] >= 0.95, figures
    assert figures["call"] >= 0.95, figures
    assert figures["r"] >= 0.99 and figures["pairs"] > 300, figures
    assert figures["offset"] >= 0.95, figures


def test_memelite_engine_matches_meme_ed(targets):
    queries = read_meme(REFERENCE / QUERY_SETS["queries_reference"])
    ours, _ = run_tomtom(queries, targets, engine="memelite", dist="ed", min_overlap=5,
                         evalue_threshold=1.0)
    figures = _parity(ours, _meme("queries_reference", "ed"), [q.id for q in queries])
    assert figures["top1"] >= 0.95 and figures["call"] >= 0.95, figures
    assert figures["r"] >= 0.99, figures


def test_pearson_does_not_name_random_or_uniform_queries(targets):
    """MEME's own call: random Dirichlet(1) and uniform PFMs named with ed, not with pearson."""
    queries = read_meme(REFERENCE / QUERY_SETS["queries_reference"])
    named = {}
    for dist in ("pearson", "ed"):
        table, _ = run_tomtom(queries, targets, engine="builtin", dist=dist, evalue_threshold=0.1)
        named[dist] = set(table["query"])
    random = {q.id for q in queries if q.id.startswith(("random_", "uniform"))}
    assert len(named["ed"] & random) >= 30
    assert len(named["pearson"] & random) <= 2


def test_named_call_on_the_reference_queries(targets):
    """JASPAR-derived queries named >= 95% of the time; random and uniform PFMs <= 5%."""
    queries = read_meme(REFERENCE / QUERY_SETS["queries_reference"])
    matches, _ = run_tomtom(queries, targets, engine="builtin", evalue_threshold=10)
    null, _ = run_tomtom(shuffled_controls(queries, 10), targets, engine="builtin",
                         evalue_threshold=10)
    ids = [q.id for q in queries]
    names, _ = call_names(matches, null, queries, ids, 10, evalue_threshold=0.1, fdr=0.05,
                          min_ic=4.0)
    named = names.set_index("filter")["named"]
    jaspar = [i for i in ids if i.startswith(("self_", "noised_", "trimmed_", "revcomp_"))]
    noise = [i for i in ids if i.startswith(("random_a1_", "uniform"))]
    assert named[jaspar].mean() >= 0.95
    assert named[noise].mean() <= 0.05
