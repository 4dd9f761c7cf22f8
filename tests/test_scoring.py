"""The named call against the shuffled null, Koo & Eddy's scores, and the naming job."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from motifnet.motifs.database import jaspar_families
from motifnet.motifs.meme import Motif
from motifnet.motifs.scoring import (
    call_names,
    empirical_fdr,
    family_truth,
    informative_queries,
    score_motifs,
    shuffled_controls,
)
from motifnet.motifs.tomtom import run_tomtom

KOO_GROUND_TRUTH = {
    "Arid3": "MA0151",
    "CEBPB": "MA0466",
    "FOSL1": "MA0477",
    "Gabpa": "MA0062",
    "MAFK": "MA0496",
    "MAX": "MA0058",
    "MEF2A": "MA0052",
    "NFYB": "MA0502",
    "SP1": "MA0079",
    "SRF": "MA0083",
    "STAT1": "MA0137",
    "YY1": "MA0095",
}


def test_named_call_and_ground_truth(jaspar):
    by_id = {m.id: m for m in jaspar}
    rng = np.random.default_rng(3)
    pfms = {
        "f0": by_id["MA0466.4"].pfm,  # CEBPB
        "f1": by_id["MA0079.5"].pfm,  # SP1
        "f2": by_id["MA0083.3"].pfm[::-1, ::-1],  # SRF, reverse strand
        "f3": by_id["MA0139.2"].pfm,  # CTCF: named, not ground truth
        "f4": by_id["MA0477.3"].pfm,  # FOSL1
        "f5": np.full((12, 4), 0.25) + rng.normal(0, 0.01, (12, 4)),  # near uniform: 0 bits
        **{f"r{i}": rng.dirichlet(np.ones(4), size=12) for i in range(6)},  # random PFMs
    }
    pfms = {k: v / v.sum(1, keepdims=True) for k, v in pfms.items()}
    queries = [Motif(k, "", v) for k, v in pfms.items()]
    matches, _ = run_tomtom(queries, jaspar, engine="builtin", evalue_threshold=10)
    null, _ = run_tomtom(shuffled_controls(queries, 10), jaspar, engine="builtin",
                         evalue_threshold=10)
    filters = [*pfms, "f6"]  # f6 never fired: no query, still in the denominator
    call = {"evalue_threshold": 0.1, "fdr": 0.05, "min_ic": 4.0}
    names, null_figures = call_names(matches, null, queries, filters, 10,
                                     ground_truth=KOO_GROUND_TRUTH, **call)
    named = dict(zip(names["filter"], names["named"]))
    assert [named[f] for f in ("f0", "f1", "f2", "f3", "f4")] == [True] * 5
    assert not named["f5"] and not named["f6"] and sum(named[f"r{i}"] for i in range(6)) <= 1
    truth_of = [None if pd.isna(g) else g for g in names["ground_truth"][:5]]
    assert truth_of == ["CEBPB", "SP1", "SRF", None, "FOSL1"]
    assert names.set_index("filter").loc["f2", "orientation"] == "-"
    assert (names["empirical_fdr"].between(0, 1)).all()
    assert null_figures["n_shuffles"] == 10 and null_figures["fraction_named"] <= 0.05

    scores = score_motifs(names, matches, null_figures, call, ground_truth=KOO_GROUND_TRUTH)
    assert (scores["n_filters"], scores["n_named"]) == (len(filters), sum(named.values()))
    ctcf = next(t for t in scores["top_tfs"] if t["tf"] == "CTCF")
    named_ctcf = names[names["named"] & (names["target_name"] == "CTCF")]
    assert ctcf == {"tf": "CTCF", "filters": 1,
                    "best_e_value": float(named_ctcf["e_value"].min())}
    truth = scores["ground_truth"]
    assert truth["n_filters"] == 4 and truth["fraction_any_hit"] >= truth["fraction"]
    # the paper's count: significant hits to an embedded motif, named or not (none unnamed here)
    significant = matches[matches["e_value"] < 0.1]
    raw = {q for q, t in zip(significant["query"], significant["target_id"])
           if t.split(".")[0] in KOO_GROUND_TRUTH.values()}
    assert truth["fraction_significant"] == len(raw) / len(filters) >= truth["fraction_any_hit"]
    assert truth["recovered"] == ["CEBPB", "FOSL1", "SP1", "SRF"]
    assert len(truth["missing"]) == 8 and "YY1" in truth["missing"]
    json.dumps(scores)


def test_a_paralog_as_best_match_counts_for_the_family_not_the_tf(jaspar):
    families = jaspar_families("JASPAR2024", (m.id for m in jaspar))
    relatives = family_truth(KOO_GROUND_TRUTH, families)
    assert relatives["MA0466"] == relatives["MA0838"] == "CEBPB"  # CEBPB itself, CEBPG
    assert relatives["MA0842"] == "MAFK" and relatives["MA0059"] == "MAX"  # NRL, MAX::MYC
    assert "MA0491" not in relatives  # JUND: Jun-related, FOSL1 Fos-related
    assert relatives["MA0139"] == "YY1"  # CTCF: "More than 3 adjacent zinc fingers", as YY1
    assert family_truth(KOO_GROUND_TRUTH, {}) == {}
    by_id = {m.id: m for m in jaspar}
    queries = [Motif("cebpg", "", by_id["MA0838.1"].pfm), Motif("ctcf", "", by_id["MA0139.2"].pfm),
               Motif("sp1", "", by_id["MA0079.5"].pfm)]
    matches, _ = run_tomtom(queries, jaspar, engine="builtin", evalue_threshold=10)
    null, _ = run_tomtom(shuffled_controls(queries, 10), jaspar, engine="builtin",
                         evalue_threshold=10)
    call = {"evalue_threshold": 0.1, "fdr": 0.05, "min_ic": 4.0}
    ids = [q.id for q in queries]
    names, null_figures = call_names(matches, null, queries, ids, 10, ground_truth=KOO_GROUND_TRUTH,
                                     relatives=relatives, **call)
    table = names.set_index("filter")
    assert table["named"].all() and table.loc["cebpg", "target_name"] == "CEBPG"
    assert pd.isna(table.loc["cebpg", "ground_truth"])
    assert table.loc["cebpg", "ground_truth_family"] == "CEBPB"
    # CTCF shares YY1's family, but YY1's motif is no significant hit of the CTCF filter
    assert pd.isna(table.loc["ctcf", "ground_truth_family"])
    assert table.loc["sp1", "ground_truth"] == table.loc["sp1", "ground_truth_family"] == "SP1"
    truth = score_motifs(names, matches, null_figures, call, ground_truth=KOO_GROUND_TRUTH,
                         relatives=relatives)["ground_truth"]
    assert (truth["fraction"], truth["fraction_family"]) == (1 / 3, 2 / 3)
    assert truth["recovered"] == ["SP1"] and truth["recovered_family"] == ["CEBPB", "SP1"]
    # without families the family-level figures are absent, not zero
    names, null_figures = call_names(matches, null, queries, ids, 10,
                                     ground_truth=KOO_GROUND_TRUTH, **call)
    assert names["ground_truth_family"].isna().all()
    truth = score_motifs(names, matches, null_figures, call,
                         ground_truth=KOO_GROUND_TRUTH)["ground_truth"]
    assert "fraction_family" not in truth


def test_an_information_floor_keeps_weak_filters_unnamed(jaspar):
    queries = [Motif("sp1", "", {m.id: m for m in jaspar}["MA0079.5"].pfm)]
    matches, _ = run_tomtom(queries, jaspar, engine="builtin", evalue_threshold=10)
    null, _ = run_tomtom(shuffled_controls(queries, 5), jaspar, engine="builtin",
                         evalue_threshold=10)
    for floor, expected in ((4.0, True), (100.0, False)):
        names, _ = call_names(matches, null, queries, ["sp1"], 5, min_ic=floor)
        assert bool(names["named"].iloc[0]) is expected


def test_uniform_queries_are_not_compared():
    motifs = [Motif("flat", "", np.full((8, 4), 0.25)), Motif("a", "", np.eye(4)[[0, 1, 2, 3]])]
    kept, uniform = informative_queries(motifs)
    assert [m.id for m in kept] == ["a"] and uniform == ["flat"]


def test_empirical_fdr():
    real = np.array([1e-9, 1e-3, 0.5, 1e-6])
    null = np.array([1e-4, 0.2, 0.6, 0.9])  # 2 shuffles of 2 filters
    fdr = empirical_fdr(real, null, n_shuffles=2)
    # at 1e-9 and 1e-6 no null copy is as good; at 1e-3 half a copy per shuffle among 3 real
    np.testing.assert_allclose(fdr, [0.0, 0.5 / 3, 1.0 / 4, 0.0])
    assert empirical_fdr(np.array([]), null, 2).size == 0
