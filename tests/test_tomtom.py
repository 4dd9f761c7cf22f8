"""TomTom: the builtin (Pearson) and memelite (Euclidean) engines against JASPAR2024 CORE
vertebrates find the motifs queries were built from; the named call against the shuffled null.

Both engines compile numba kernels once into NUMBA_CACHE_DIR (tests/conftest.py points it at
resources/numba_cache before anything imports numba): ~100 s the very first time, ~1 s after.
Parity with MEME's own outputs is in test_tomtom_parity.py.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from motifnet.errors import InputError
from motifnet.motifs.database import fetch_jaspar
from motifnet.motifs.meme import Motif, write_meme
from motifnet.motifs.tomtom import (
    COLUMNS,
    P_FLOOR,
    benjamini_hochberg,
    clamp_p_values,
    meme_available,
    meme_command,
    parse_meme_text,
    run_tomtom,
    warm_up,
)

KINDS = ("self", "noised", "trim", "rc", "rctrim", "shuffled")


@pytest.fixture(scope="module")
def jaspar() -> list[Motif]:
    return fetch_jaspar("JASPAR2024", "CORE", "vertebrates")


@pytest.fixture(scope="module")
def chosen(jaspar) -> list[Motif]:
    """16 motifs of width >= 10 unlike their reverse complement (so orientation is testable)."""
    asymmetric = [
        m
        for m in jaspar
        if m.width >= 10 and np.abs(m.pfm - m.pfm[::-1, ::-1]).sum() / m.width > 0.5
    ]
    return asymmetric[::20]


def _queries(chosen: list[Motif]) -> list[Motif]:
    rng = np.random.default_rng(5)
    out = []
    for m in chosen:
        rc = m.pfm[::-1, ::-1]
        noise = rng.dirichlet(np.ones(4), size=m.width)
        shuffled = m.pfm[rng.permutation(m.width)][:, rng.permutation(4)]
        for kind, pfm in zip(
            KINDS, (m.pfm, 0.85 * m.pfm + 0.15 * noise, m.pfm[2:-2], rc, rc[1:], shuffled)
        ):
            out.append(Motif(f"{m.id}|{kind}", "", pfm))
    return out


@pytest.fixture(scope="module", params=[("builtin", "pearson"), ("memelite", "ed")],
                ids=["builtin-pearson", "memelite-ed"])
def table(request, jaspar, chosen) -> pd.DataFrame:
    engine, dist = request.param
    warm_up(engine)
    result, used = run_tomtom(_queries(chosen), jaspar, engine=engine, dist=dist,
                              evalue_threshold=1e9)
    assert used == engine
    result["truth"] = result["query"].str.split("|").str[0]
    result["kind"] = result["query"].str.split("|").str[1]
    result["rank"] = result.groupby("query").cumcount()
    return result


def _true_rows(table: pd.DataFrame, kind: str) -> pd.DataFrame:
    rows = table[(table["kind"] == kind) & (table["truth"] == table["target_id"])]
    return rows.set_index("truth")


def test_table_schema_and_statistics(table, jaspar):
    assert list(table.columns[: len(COLUMNS)]) == COLUMNS
    assert table["engine"].nunique() == 1
    np.testing.assert_allclose(table["e_value"], table["p_value"] * len(jaspar))
    assert ((table["q_value"] >= table["p_value"]) & (table["q_value"] <= 1)).all()
    ordered = table.sort_values("p_value")
    assert ordered["q_value"].is_monotonic_increasing
    assert set(table["orientation"]) == {"+", "-"}
    # best first within each query
    assert table.groupby("query")["p_value"].apply(lambda p: p.is_monotonic_increasing).all()


@pytest.mark.parametrize(
    "kind, orientation, offset",
    [("self", "+", 0), ("trim", "+", 2), ("rc", "-", 0), ("rctrim", "-", 1)],
)
def test_exact_trimmed_and_reverse_complement_queries(table, chosen, kind, orientation, offset):
    rows = _true_rows(table, kind)
    assert len(rows) == len(chosen)
    if kind == "trim":  # 4 columns fewer: a paralog can come first (MEME's pearson does too)
        assert (rows["rank"] <= 3).all() and (rows["rank"] == 0).mean() >= 0.8, rows
    else:
        assert (rows["rank"] == 0).all(), rows[rows["rank"] > 0]
    assert (rows["orientation"] == orientation).all()
    # query column i sits on target column i + offset (target read on the matched strand)
    assert (rows["offset"] == offset).all()
    # a 10-column motif trimmed to 6 columns is less significant (MA1580.1: E ~ 5e-5 with ed);
    # Pearson p-values are less extreme than Euclidean ones, as in MEME
    pearson = table["engine"].iloc[0] == "builtin"
    limit = {"trim": 0.5 if pearson else 1e-3}.get(kind, 1e-5 if pearson else 1e-6)
    assert (rows["e_value"] < limit).all()


def test_noised_copies_still_find_their_motif(table, chosen):
    rows = _true_rows(table, "noised")
    assert len(rows) == len(chosen)
    assert (rows["rank"] <= 2).all()
    assert (rows["rank"] == 0).mean() >= 0.75
    assert (rows["e_value"] < (1e-4 if table["engine"].iloc[0] == "builtin" else 1e-5)).all()


def test_shuffled_columns_are_not_significant(table):
    best = table[table["kind"] == "shuffled"].groupby("query").head(1)
    assert (best["e_value"] > 1e-3).all()
    assert (best["e_value"] > 0.1).mean() >= 0.8
    truth = _true_rows(table, "shuffled")
    assert truth["rank"].median() > 100


@pytest.mark.parametrize("engine, dist", [("builtin", "pearson"), ("memelite", "ed")])
def test_min_overlap_filter(jaspar, chosen, engine, dist):
    queries = [Motif(m.id, "", m.pfm) for m in chosen[:4]] + [Motif("short", "", chosen[0].pfm[:4])]
    loose, _ = run_tomtom(queries, jaspar, engine=engine, dist=dist, min_overlap=1,
                          evalue_threshold=1e9)
    wide = [m for m in jaspar if m.width >= 12]
    strict, _ = run_tomtom(queries, wide, engine=engine, dist=dist, min_overlap=12,
                           evalue_threshold=1e9)
    widths = {m.id: m.width for m in jaspar} | {m.id: m.width for m in queries}
    required = np.minimum(12, np.minimum(strict["query"].map(widths),
                                         strict["target_id"].map(widths)))
    assert (strict["overlap"] >= required).all()
    loose_required = np.minimum(loose["query"].map(widths), loose["target_id"].map(widths))
    assert (loose["overlap"] < loose_required).any()
    assert len(strict) < len(loose)
    # a query shorter than min_overlap needs only its own width (as MEME does)
    assert (strict.loc[strict["query"] == "short", "overlap"] == 4).all()
    assert (strict["query"] == "short").any()


def test_evalue_threshold_and_targets_from_file(tmp_path, jaspar, chosen):
    path = tmp_path / "jaspar.meme"
    write_meme(path, jaspar)
    queries = [Motif(m.id, "", m.pfm) for m in chosen[:3]]
    result, _ = run_tomtom(queries, str(path), engine="memelite", dist="ed", evalue_threshold=0.1)
    assert (result["e_value"] <= 0.1).all()
    assert list(result.groupby("query", sort=False).head(1)["target_id"]) == [
        m.id for m in chosen[:3]
    ]
    names = {m.id: m.name for m in jaspar}
    assert (result["target_name"] == result["target_id"].map(names)).all()


def test_empty_queries_give_an_empty_table(jaspar):
    result, engine = run_tomtom([], jaspar, engine="memelite", dist="ed")
    assert result.empty and list(result.columns) == COLUMNS and engine == "memelite"


def test_clamped_p_values_are_flagged():
    p, flags = clamp_p_values(np.array([0.0, -1e-3, 0.5, 1.5, np.nan]))
    np.testing.assert_array_equal(p, [P_FLOOR, P_FLOOR, 0.5, 1.0, 1.0])
    assert flags[2] == "" and all(f.startswith("p_clamped_from_") for f in flags[[0, 1, 3, 4]])
    assert "-0.001" in flags[1]


def test_benjamini_hochberg():
    q = benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.2]))
    np.testing.assert_allclose(q, [0.04, 0.04 * 4 / 3, 0.04 * 4 / 3, 0.2])


def test_engine_and_distance_choices(jaspar):
    query = [Motif("q", "", jaspar[0].pfm)]
    with pytest.raises(InputError, match="'memelite' does not compute distance 'pearson'; "
                                         "engines that do: meme, builtin"):
        run_tomtom(query, jaspar, engine="memelite", dist="pearson")
    with pytest.raises(InputError, match="unknown TomTom engine"):
        run_tomtom(query, jaspar, engine="fast")
    with pytest.raises(InputError, match="unknown TomTom distance"):
        run_tomtom(query, jaspar, engine="builtin", dist="sandelin")
    if not meme_available():
        with pytest.raises(InputError, match="'tomtom' on PATH"):
            run_tomtom(query, jaspar, engine="meme")
        assert run_tomtom(query, jaspar, engine="auto")[1] == "builtin"


def test_database_motifs_narrower_than_min_overlap_are_skipped(jaspar, caplog):
    query = [Motif("q", "", jaspar[0].pfm)]
    narrow = [Motif("narrow", "tiny", jaspar[1].pfm[:3])]
    with caplog.at_level("INFO"):
        result, _ = run_tomtom(query, jaspar[:40] + narrow, engine="builtin", evalue_threshold=1e9)
    assert "narrow" not in set(result["target_id"]) and len(result) == 40
    assert "1 of 41 database motifs are narrower than min_overlap 5" in caplog.text
    with pytest.raises(InputError, match="no database motif is at least min_overlap=5"):
        run_tomtom(query, narrow, engine="builtin")


MEME_HEADER = (
    "Query_ID\tTarget_ID\tOptimal_offset\tp-value\tE-value\tq-value\tOverlap\t"
    "Query_consensus\tTarget_consensus\tOrientation\n"
)
MEME_TEXT = (
    MEME_HEADER
    + """\
conv1_f000\tMA0139.2\t-2\t1.2e-10\t1.05e-07\t2.1e-07\t15\tTTGCCACCAGGGGGCGCTA\tCCACCAGGGGGCGCC\t+
conv1_f000\tMA1929.2\t3\t0\t0\t0\t19\tTTGCCACCAGGGGGCGCTA\tCCACCAGGGGGCGCC\t-
007\tMA0002.3\t0\t0.003\t2.6\t0.5\t9\tTGTGGTTTT\tTGTGGTTTT\t-

# Tomtom (Motif Comparison Tool): Version 5.5.8 compiled on Jan 1 2025 at 00:00:00
# The format of this file is described at https://meme-suite.org/meme/doc/tomtom-output-format.html.
# tomtom -no-ssc -verbosity 1 -dist ed -min-overlap 5 -evalue -thresh 10.0 -text q.meme t.meme
"""
)


def test_parse_meme_text_output():
    names = {"MA0139.2": "CTCF", "MA1929.2": "CTCF", "MA0002.3": "Runx1"}
    rows = parse_meme_text(MEME_TEXT, names)
    assert list(rows["query"]) == ["conv1_f000", "conv1_f000", "007"]
    assert list(rows["target_name"]) == ["CTCF", "CTCF", "Runx1"]
    assert list(rows["offset"]) == [-2, 3, 0] and list(rows["orientation"]) == ["+", "-", "-"]
    assert rows.loc[0, "e_value"] == pytest.approx(1.05e-07)
    # MEME prints p < ~1e-38 as 0 (32-bit floats): clamped, flagged, E recomputed
    assert rows.loc[1, "p_value"] == P_FLOOR and rows.loc[1, "flag"].startswith("p_clamped_from_0")
    assert rows.loc[1, "e_value"] == pytest.approx(P_FLOOR * 3)
    with pytest.raises(RuntimeError, match="no 'Query_ID' header"):
        parse_meme_text("tomtom: error\n", names)


def test_meme_command_line(tmp_path):
    command = meme_command(tmp_path / "q.meme", tmp_path / "t.meme", "pearson", 5, 0.1)
    assert command[0] == "tomtom" and command[-2:] == [
        str(tmp_path / "q.meme"),
        str(tmp_path / "t.meme"),
    ]
    joined = " ".join(command)
    assert "-no-ssc" in joined and "-dist pearson" in joined and "-min-overlap 5" in joined
    assert "-evalue -thresh 0.1 -text" in joined


@pytest.mark.skipif(not meme_available(), reason="MEME suite tomtom not on PATH")
def test_meme_engine_agrees_with_memelite(jaspar, chosen):
    queries = [Motif(m.id, "", m.pfm) for m in chosen[:5]]
    meme, _ = run_tomtom(queries, jaspar, engine="meme", evalue_threshold=1)
    lite, _ = run_tomtom(queries, jaspar, engine="memelite", evalue_threshold=1)
    top = lambda t: list(t.groupby("query", sort=False).head(1)["target_id"])
    assert top(meme) == top(lite) == [m.id for m in queries]


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
    from motifnet.motifs.scoring import call_names, score_filters, shuffled_controls

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

    scores = score_filters(names, matches, null_figures, call, ground_truth=KOO_GROUND_TRUTH)
    assert (scores["n_filters"], scores["n_matched"]) == (len(filters), sum(named.values()))
    assert {"tf": "CTCF", "filters": 1} in scores["top_tfs"]
    truth = scores["ground_truth"]
    assert truth["n_filters"] == 4 and truth["fraction_any_hit"] >= truth["fraction"]
    assert truth["recovered"] == ["CEBPB", "FOSL1", "SP1", "SRF"]
    assert len(truth["missing"]) == 8 and "YY1" in truth["missing"]
    json.dumps(scores)


def test_an_information_floor_keeps_weak_filters_unnamed(jaspar):
    from motifnet.motifs.scoring import call_names, shuffled_controls

    queries = [Motif("sp1", "", {m.id: m for m in jaspar}["MA0079.5"].pfm)]
    matches, _ = run_tomtom(queries, jaspar, engine="builtin", evalue_threshold=10)
    null, _ = run_tomtom(shuffled_controls(queries, 5), jaspar, engine="builtin",
                         evalue_threshold=10)
    for floor, expected in ((4.0, True), (100.0, False)):
        names, _ = call_names(matches, null, queries, ["sp1"], 5, min_ic=floor)
        assert bool(names["named"].iloc[0]) is expected


def test_uniform_queries_are_not_compared():
    from motifnet.motifs.scoring import informative_queries

    motifs = [Motif("flat", "", np.full((8, 4), 0.25)), Motif("a", "", np.eye(4)[[0, 1, 2, 3]])]
    kept, uniform = informative_queries(motifs)
    assert [m.id for m in kept] == ["a"] and uniform == ["flat"]


def test_empirical_fdr():
    from motifnet.motifs.scoring import empirical_fdr

    real = np.array([1e-9, 1e-3, 0.5, 1e-6])
    null = np.array([1e-4, 0.2, 0.6, 0.9])  # 2 shuffles of 2 filters
    fdr = empirical_fdr(real, null, n_shuffles=2)
    # at 1e-9 and 1e-6 no null copy is as good; at 1e-3 half a copy per shuffle among 3 real
    np.testing.assert_allclose(fdr, [0.0, 0.5 / 3, 1.0 / 4, 0.0])
    assert empirical_fdr(np.array([]), null, 2).size == 0


def test_logos(tmp_path, table, chosen):
    from motifnet.motifs.logos import filter_vs_match, logo_grid

    row = _true_rows(table, "rctrim").iloc[0]
    target = next(m for m in chosen if m.id == row.name)
    out = tmp_path / "match.png"
    filter_vs_match(
        target.pfm[::-1, ::-1][1:],
        target.pfm,
        row["orientation"],
        int(row["offset"]),
        out,
        "conv1_f000",
        f"{target.id} {target.name}",
    )
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    flat = np.full((10, 4), 0.25)
    ranked = logo_grid(
        [flat, chosen[0].pfm, chosen[1].pfm[:3]], ["a", "b", "c"], tmp_path / "grid.pdf", top=2
    )
    assert ranked == [1, 2]
    assert (tmp_path / "grid.pdf").read_bytes()[:4] == b"%PDF"
    logo_grid([], [], tmp_path / "empty.png")
    assert (tmp_path / "empty.png").stat().st_size > 0
