"""TomTom: the builtin (Pearson) and memelite (Euclidean) engines against JASPAR2024 CORE
vertebrates find the motifs queries were built from.

Both engines compile numba kernels once into NUMBA_CACHE_DIR (tests/conftest.py points it at
resources/numba_cache before anything imports numba): ~100 s the very first time, ~1 s after.
Parity with MEME's own outputs is in test_tomtom_parity.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from motifnet.errors import InputError
from motifnet.motifs.meme import Motif, write_meme
from motifnet.motifs.tomtom import (
    COLUMNS,
    P_FLOOR,
    clamp_p_values,
    meme_available,
    meme_command,
    parse_meme_text,
    run_tomtom,
    warm_up,
)

KINDS = ("self", "noised", "trim", "rc", "rctrim", "shuffled")


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
    assert list(table.columns[: len(COLUMNS)]) == list(COLUMNS)
    assert table.dtypes[list(COLUMNS)].astype(str).to_dict() == COLUMNS
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
    assert result.empty and list(result.columns) == list(COLUMNS) and engine == "memelite"


def test_clamped_p_values_are_flagged():
    p, flags = clamp_p_values(np.array([0.0, -1e-3, 0.5, 1.5, np.nan]))
    np.testing.assert_array_equal(p, [P_FLOOR, P_FLOOR, 0.5, 1.0, 1.0])
    assert flags[2] == "" and all(f.startswith("p_clamped_from_") for f in flags[[0, 1, 3, 4]])
    assert "-0.001" in flags[1]


def test_q_values_are_benjamini_hochberg_over_every_comparison(table):
    """q = min over j >= rank of p_(j) n / j, capped at 1, over all query x target pairs."""
    p = table["p_value"].to_numpy()
    order = np.argsort(p, kind="stable")
    stepped = p[order] * p.size / np.arange(1, p.size + 1)
    expected = np.empty(p.size)
    expected[order] = np.minimum(np.minimum.accumulate(stepped[::-1])[::-1], 1.0)
    np.testing.assert_allclose(table["q_value"], expected, rtol=1e-12)


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
