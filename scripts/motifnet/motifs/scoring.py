"""The statistics of naming: a calibrated *named* call per query (a filter, a pattern), and
Koo & Eddy's Table 1 scores of a group of queries.

A query is *significant* when its best TomTom match has E < ``evalue_threshold`` (Koo & Eddy's
0.1), and *named* after that match only when three things hold:

- the match is significant;
- it beats the shuffled null: the empirical false-discovery rate at the query's best p-value,
  estimated from column-shuffled copies of the same queries (:func:`shuffled_controls`, several
  per query) as (null copies at least as good / shuffles) / (real queries at least as good),
  is at most ``fdr``;
- the query carries information: the trimmed PFM has at least ``min_ic`` bits in all.

The null's own named and significant fractions are reported beside the real ones. With ground
truth (TF name -> JASPAR base id, as for the synthetic data) a named query matches the ground
truth when its best match is a ground-truth motif: same base id (matrix id without version)
or, failing that, the same TF name (case-insensitive). It matches a ground-truth TF *by
family* when it matches the TF, or when its best match is a paralog (a motif of the same JASPAR
TF family) and the TF's own motif is a significant hit too: CEBPG and CEBPB bind
near-identical sites, and which of the two a filter's PFM matches best is decided by noise.
The second condition keeps large families (C2H2 zinc fingers) from crediting unrelated motifs.
:mod:`.naming` runs TomTom and calls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .meme import Motif, information_content

CALL_SETTINGS = ("evalue_threshold", "fdr", "min_ic")

SHUFFLE_SEPARATOR = "~shuffle"
UNINFORMATIVE_BITS = 1e-6  # a query whose columns are all uniform says nothing
# The call's columns of a names table, after the query id.
NAME_COLUMNS = [
    "target_id", "target_name", "p_value", "e_value", "q_value", "orientation", "offset",
    "ic_bits", "empirical_fdr", "significant", "named", "ground_truth", "ground_truth_family",
]
FAMILY_SEPARATOR = "/"  # a database motif whose family two ground-truth TFs share names both


def base_id(matrix_id: str) -> str:
    """JASPAR base id: MA0466.2 -> MA0466."""
    return str(matrix_id).split(".")[0]


def family_truth(
    ground_truth: Mapping[str, str], families: Mapping[str, frozenset[str]]
) -> dict[str, str]:
    """Base id of every database motif that shares a JASPAR TF family with a ground-truth
    motif -> that TF (several joined by ``/``); empty where the database has no families."""
    by_base: dict[str, set[str]] = {}
    for matrix_id, names in families.items():
        by_base.setdefault(base_id(matrix_id), set()).update(names)
    truth = {tf: by_base.get(base_id(base), set()) for tf, base in ground_truth.items()}
    relatives = {}
    for base, names in by_base.items():
        tfs = [tf for tf, truth_names in truth.items() if names & truth_names]
        if tfs:
            relatives[base] = FAMILY_SEPARATOR.join(tfs)
    return relatives


def total_information(motif: Motif) -> float:
    """Bits of a motif's PFM, summed over its columns."""
    return float(information_content(motif.pfm).sum())


def informative_queries(motifs: Sequence[Motif]) -> tuple[list[Motif], list[str]]:
    """The motifs worth comparing, and the ids of those whose columns are all uniform."""
    kept = [m for m in motifs if total_information(m) > UNINFORMATIVE_BITS]
    kept_ids = {m.id for m in kept}
    return kept, [m.id for m in motifs if m.id not in kept_ids]


def shuffled_controls(motifs: Sequence[Motif], n_shuffles: int = 10, seed: int = 0) -> list[Motif]:
    """``n_shuffles`` copies of each motif, columns in random order: same information, no motif.

    Copy k of motif ``m`` has id ``m~shuffleK``; :func:`original_id` maps it back.
    """
    rng = np.random.default_rng(seed)
    return [
        Motif(f"{m.id}{SHUFFLE_SEPARATOR}{k}", m.name, m.pfm[rng.permutation(m.width)], m.nsites)
        for m in motifs
        for k in range(n_shuffles)
    ]


def original_id(shuffled_id: str) -> str:
    """The motif a shuffled copy's id was made from."""
    return str(shuffled_id).rsplit(SHUFFLE_SEPARATOR, 1)[0]


def best_hits(matches: pd.DataFrame, queries: Sequence[str]) -> pd.DataFrame:
    """Per query (in order): its lowest-p TomTom row (table order breaks ties); p = 1 where none."""
    best = (
        matches.sort_values("p_value", kind="stable").groupby("query", sort=False).head(1)
        .set_index("query")
    )
    table = pd.DataFrame(index=pd.Index(list(queries), name="query"))
    for column in ("target_id", "target_name", "p_value", "e_value", "q_value", "orientation",
                   "offset"):
        table[column] = best[column].reindex(table.index) if len(best) else np.nan
    table["p_value"] = table["p_value"].fillna(1.0)
    return table


def empirical_fdr(real_p: np.ndarray, null_p: np.ndarray, n_shuffles: int) -> np.ndarray:
    """Per real p-value: the smallest estimated FDR of any threshold t >= it, where
    FDR(t) = (#null <= t / n_shuffles) / #real <= t, capped at 1."""
    real_p = np.asarray(real_p, dtype=np.float64)
    if real_p.size == 0:
        return real_p.copy()
    null_sorted = np.sort(np.asarray(null_p, dtype=np.float64))
    order = np.argsort(real_p, kind="stable")
    thresholds = real_p[order]
    n_real = np.searchsorted(thresholds, thresholds, side="right")
    n_null = np.searchsorted(null_sorted, thresholds, side="right") / max(n_shuffles, 1)
    fdr = np.minimum.accumulate((n_null / n_real)[::-1])[::-1]
    out = np.empty_like(real_p)
    out[order] = np.minimum(fdr, 1.0)
    return out


def call_names(
    matches: pd.DataFrame,
    null_matches: pd.DataFrame,
    queries: Sequence[Motif],
    ids: Sequence[str],
    n_shuffles: int,
    evalue_threshold: float = 0.1,
    fdr: float = 0.05,
    min_ic: float = 0.0,
    ground_truth: Mapping[str, str] | None = None,
    relatives: Mapping[str, str] | None = None,
    id_column: str = "filter",
) -> tuple[pd.DataFrame, dict]:
    """The named call for every query id of ``ids`` (also those that were no query): a table
    of ``id_column`` and :data:`NAME_COLUMNS`, and the shuffled null's figures:
    {n_shuffles, fraction_significant, fraction_named}.

    ``null_matches`` is the TomTom table of ``shuffled_controls(queries, n_shuffles)``;
    ``relatives`` is :func:`family_truth` of the ground truth (no family column without it).
    """
    information = {m.id: total_information(m) for m in queries}
    real = best_hits(matches, ids)
    real["ic_bits"] = [information.get(i, 0.0) for i in ids]
    real["significant"] = real["e_value"].lt(evalue_threshold).to_numpy()
    null_ids = [f"{m.id}{SHUFFLE_SEPARATOR}{k}" for m in queries for k in range(n_shuffles)]
    null = best_hits(null_matches, null_ids)
    null["ic_bits"] = [information[original_id(i)] for i in null_ids]
    null["significant"] = null["e_value"].lt(evalue_threshold).to_numpy()
    # Only queries that could be named compete: informative ones, real and shuffled alike.
    real_pool = real["p_value"].where(real["ic_bits"] >= min_ic, 1.0).to_numpy()
    null_pool = null["p_value"].where(null["ic_bits"] >= min_ic, 1.0).to_numpy()
    real["empirical_fdr"] = empirical_fdr(real_pool, null_pool, n_shuffles)
    real["named"] = (real["significant"] & (real["ic_bits"] >= min_ic)
                     & (real["empirical_fdr"] <= fdr)).to_numpy()
    # The realised p-value cutoff applied to the null: the weakest named real query's p.
    cutoff = real.loc[real["named"], "p_value"].max() if real["named"].any() else -1.0
    null_named = null["significant"] & (null["ic_bits"] >= min_ic) & (null["p_value"] <= cutoff)
    real["ground_truth"] = [
        _ground_truth_tf(t, n, ground_truth) if named else None
        for t, n, named in zip(real["target_id"], real["target_name"], real["named"])
    ]
    real["ground_truth_family"] = _family_calls(real, matches, ground_truth, relatives,
                                                evalue_threshold) if relatives else None
    names = real.reset_index().rename(columns={"query": id_column})[[id_column, *NAME_COLUMNS]]
    n = len(null_ids)
    null_figures = {
        "n_shuffles": int(n_shuffles),
        "fraction_significant": float(null["significant"].mean()) if n else 0.0,
        "fraction_named": float(null_named.mean()) if n else 0.0,
    }
    return names, null_figures


def _family_calls(real: pd.DataFrame, matches: pd.DataFrame, ground_truth: Mapping[str, str],
                  relatives: Mapping[str, str], evalue_threshold: float) -> list[str | None]:
    """Per query of ``real`` (best hits, call made): the ground-truth TF it matches by family,
    or None."""
    significant = matches[matches["e_value"].lt(evalue_threshold)]
    hit_bases = significant.groupby("query")["target_id"].agg(lambda ids: set(map(base_id, ids)))
    calls: list[str | None] = []
    for query, row in real.iterrows():
        if not row["named"] or isinstance(row["ground_truth"], str):
            calls.append(row["ground_truth"] if row["named"] else None)
            continue
        hits = hit_bases.get(query, set())
        tfs = [tf for tf in relatives.get(base_id(row["target_id"]), "").split(FAMILY_SEPARATOR)
               if tf and base_id(ground_truth[tf]) in hits]
        calls.append(FAMILY_SEPARATOR.join(tfs) or None)
    return calls


def _ground_truth_tf(
    target_id: str, target_name: str, ground_truth: Mapping[str, str] | None
) -> str | None:
    if not ground_truth or pd.isna(target_id):
        return None
    for tf, base in ground_truth.items():
        if base_id(target_id) == base_id(base):
            return tf
    for tf in ground_truth:
        if str(target_name).lower() == tf.lower():
            return tf
    return None


def score_motifs(
    names: pd.DataFrame,
    matches: pd.DataFrame,
    null: dict,
    settings: Mapping[str, float],
    ground_truth: Mapping[str, str] | None = None,
    relatives: Mapping[str, str] | None = None,
    top: int = 10,
    id_column: str = "filter",
    unit: str = "filters",
) -> dict:
    """Koo & Eddy's scores of one group of queries (a layer's filters, a model's patterns)
    from its :func:`call_names` table (every query of the group, the denominator): named and
    significant fractions, top named TFs, ground-truth recovery (by family too where
    ``relatives`` are known). ``unit`` names the counted
    queries in the keys (``n_filters``; ``n_patterns`` for patterns); each top TF has its
    count and the best E-value of the queries named after it."""
    n_queries = len(names)
    named = names[names["named"]]
    counts = named["target_name"].value_counts()
    best = named.groupby("target_name")["e_value"].min()
    n_significant = int(names["significant"].sum())
    result: dict = {
        f"n_{unit}": n_queries,
        **{key: float(value) for key, value in settings.items()},
        "n_named": len(named),
        "fraction_named": _fraction(len(named), n_queries),
        "n_significant": n_significant,
        "fraction_significant": _fraction(n_significant, n_queries),
        "n_tfs_named": int(named["target_name"].nunique()),
        "top_tfs": [{"tf": str(tf), unit: int(n), "best_e_value": float(best[tf])}
                    for tf, n in counts.head(top).items()],
        "null_shuffled": null,
    }
    if ground_truth:
        hits = named["ground_truth"].dropna()
        per_tf = hits.value_counts()
        significant = matches[matches["e_value"].lt(settings["evalue_threshold"])
                              & matches["query"].isin(names[id_column])]
        # (query, embedded TF) of every significant hit to an embedded motif, named or not
        all_hits = {
            (q, tf)
            for q, t, n in zip(
                significant["query"], significant["target_id"], significant["target_name"]
            )
            if (tf := _ground_truth_tf(t, n, ground_truth)) is not None
        }
        named_ids = set(named[id_column])
        truth_hits = {(q, tf) for q, tf in all_hits if q in named_ids}
        any_hit = {q for q, _ in truth_hits}
        result["ground_truth"] = {
            "n_tfs": len(ground_truth),
            f"n_{unit}": len(hits),
            "fraction": _fraction(len(hits), n_queries),
            # Koo & Eddy's published code counts a filter when any of its significant hits is
            # a ground-truth motif (not only the best one); here among named queries.
            "fraction_any_hit": _fraction(len(any_hit), n_queries),
            # Koo & Eddy's own count: a significant hit to an embedded motif, named or not
            "fraction_significant": _fraction(len({q for q, _ in all_hits}), n_queries),
            "recovered": sorted(per_tf.index),
            # TFs whose motif is among the significant hits of a named query
            "recovered_any_hit": sorted({tf for _, tf in truth_hits}),
            "missing": sorted(set(ground_truth) - set(per_tf.index)),
            f"{unit}_per_tf": {str(tf): int(n) for tf, n in per_tf.items()},
        }
        if relatives:  # best match in the family of an embedded motif (itself included)
            family = named["ground_truth_family"].dropna()
            result["ground_truth"]["fraction_family"] = _fraction(len(family), n_queries)
            result["ground_truth"]["recovered_family"] = sorted(
                {tf for tfs in family for tf in tfs.split(FAMILY_SEPARATOR)})
    return result


def _fraction(part: int, whole: int) -> float:
    return float(part / whole) if whole else 0.0
