"""What a model learned: Koo & Eddy's Table 1 statistics from a TomTom table of its filters.

A filter *matches* when it has a TomTom hit with E < the threshold; its best match is the hit with
the lowest E-value. With ground truth (TF name -> JASPAR base id, as for the synthetic data) a
filter matches the ground truth when its best match is a ground-truth motif: same base id
(matrix id without version) or, failing that, the same TF name (case-insensitive).

TomTom's E-values under Euclidean distance (memelite, MEME ``-dist ed``) are anti-conservative
for diffuse, low-information queries: near-uniform PFMs "match" long low-information targets
(CTCF, zinc fingers). ``shuffled_controls`` gives a null of the same columns in random order;
its match fraction, reported beside the real one, says how much of the latter is this artefact.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from .meme import Motif


def base_id(matrix_id: str) -> str:
    """JASPAR base id: MA0466.2 -> MA0466."""
    return str(matrix_id).split(".")[0]


def best_matches(
    matches: pd.DataFrame,
    filter_ids: Sequence[str],
    evalue_threshold: float = 0.1,
    ground_truth: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Per filter: its best significant match (empty where none) and the ground-truth TF it hits."""
    significant = matches[matches["e_value"] < evalue_threshold]
    best = (
        significant.sort_values(["e_value", "p_value"], kind="stable")
        .groupby("query", sort=False)
        .head(1)
        .set_index("query")
    )
    table = pd.DataFrame({"filter": list(filter_ids)})
    for column in ("target_id", "target_name", "e_value", "orientation", "offset"):
        table[column] = table["filter"].map(best[column]) if len(best) else np.nan
    table["matched"] = table["target_id"].notna()
    table["ground_truth"] = [
        _ground_truth_tf(t, n, ground_truth) if m else None
        for t, n, m in zip(table["target_id"], table["target_name"], table["matched"])
    ]
    return table


def _ground_truth_tf(
    target_id: str, target_name: str, ground_truth: Mapping[str, str] | None
) -> str | None:
    if not ground_truth:
        return None
    for tf, base in ground_truth.items():
        if base_id(target_id) == base_id(base):
            return tf
    for tf in ground_truth:
        if str(target_name).lower() == tf.lower():
            return tf
    return None


def shuffled_controls(motifs: Sequence[Motif], seed: int = 0) -> list[Motif]:
    """Copies of ``motifs`` (same ids), columns in random order: same information, no motif."""
    rng = np.random.default_rng(seed)
    return [Motif(m.id, m.name, m.pfm[rng.permutation(m.width)], m.nsites) for m in motifs]


def score_filters(
    matches: pd.DataFrame,
    filter_ids: Sequence[str],
    evalue_threshold: float = 0.1,
    ground_truth: Mapping[str, str] | None = None,
    top: int = 10,
    null_matches: pd.DataFrame | None = None,
) -> dict:
    """Fraction of filters matching any database motif, top matched TFs, and ground-truth recovery.

    ``filter_ids`` lists every filter of the layer (the denominator), also those that never fired.
    ``null_matches``: TomTom table of :func:`shuffled_controls` of the same queries, if run.
    """
    best = best_matches(matches, filter_ids, evalue_threshold, ground_truth)
    n_filters = len(best)
    matched = best[best["matched"]]
    counts = matched["target_name"].value_counts()
    result: dict = {
        "n_filters": n_filters,
        "evalue_threshold": float(evalue_threshold),
        "n_matched": len(matched),
        "fraction_matched": _fraction(len(matched), n_filters),
        "top_tfs": [{"tf": str(tf), "filters": int(n)} for tf, n in counts.head(top).items()],
    }
    if null_matches is not None:
        null = best_matches(null_matches, filter_ids, evalue_threshold)["matched"].sum()
        result["null_shuffled"] = {
            "n_matched": int(null),
            "fraction_matched": _fraction(null, n_filters),
        }
    if ground_truth:
        hits = matched["ground_truth"].dropna()
        per_tf = hits.value_counts()
        significant = matches[matches["e_value"] < evalue_threshold]
        any_hit = {
            q
            for q, t, n in zip(
                significant["query"], significant["target_id"], significant["target_name"]
            )
            if _ground_truth_tf(t, n, ground_truth) is not None
        }
        result["ground_truth"] = {
            "n_tfs": len(ground_truth),
            "n_filters": len(hits),
            "fraction": _fraction(len(hits), n_filters),
            # Koo & Eddy's published code counts a filter when any of its significant hits is
            # a ground-truth motif (not only the best one):
            "fraction_any_hit": _fraction(len(any_hit & set(best["filter"])), n_filters),
            "recovered": sorted(per_tf.index),
            "missing": sorted(set(ground_truth) - set(per_tf.index)),
            "filters_per_tf": {str(tf): int(n) for tf, n in per_tf.items()},
        }
    return result


def aggregate(scores: Sequence[dict]) -> dict:
    """Mean and (population) standard deviation over trials of :func:`score_filters` fractions."""
    keys = {"fraction_matched": lambda s: s["fraction_matched"]}
    if scores and all("ground_truth" in s for s in scores):
        keys["ground_truth_fraction"] = lambda s: s["ground_truth"]["fraction"]
    out: dict = {"n_trials": len(scores)}
    for name, get in keys.items():
        values = np.array([get(s) for s in scores], dtype=np.float64)
        out[name] = {
            "mean": float(values.mean()) if len(values) else None,
            "std": float(values.std()) if len(values) else None,
        }
    return out


def _fraction(part: int, whole: int) -> float:
    return float(part / whole) if whole else 0.0
