"""Attributions and seqlets scored against the embedded motifs of synthetic data.

- Seqlet precision: the fraction of the patterns' seqlets whose core (the stretch TomTom
  compares) overlaps a motif instance embedded in its sequence; in the synthetic design every
  embedded instance makes its sequence positive for its TF, so these are instances of classes
  the sequence is positive for. Beside it, the precision of the same cores moved to random
  positions of their sequences (chance).
- Seqlet recall: the fraction of the instances of each attributed class's TF, in the
  sequences attributed for that class, that a seqlet of that class's patterns overlaps.
- Attribution AUROC/AUPRC (Majdandzic et al. 2023): per attributed sequence, how well the
  size of the attribution at each position (its absolute value at the base present, the L2
  norm over the bases of a projected map) separates the positions of the class's own embedded
  motifs from background positions (those in no embedded motif); the mean over sequences.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from .attribution_maps import ClassAttributions
from .ground_truth import position_mask


def _overlapping(cores: pd.DataFrame, instances: pd.DataFrame) -> pd.DataFrame:
    """Pairs (core row ``index``, instance row ``instance``) that overlap in one sequence."""
    pairs = cores.reset_index().merge(
        instances.reset_index(names="instance"), on="sequence", suffixes=("", "_motif"))
    hit = (pairs["start"] < pairs["end_motif"]) & (pairs["start_motif"] < pairs["end"])
    return pairs.loc[hit, ["index", "instance"]]


def seqlet_scores(seqlets: pd.DataFrame, instances: pd.DataFrame,
                  attributed: dict[str, np.ndarray], length: int, seed: int = 0) -> dict:
    """Precision, chance precision and recall of the seqlets (``seqlets.tsv`` rows) against the
    embedded ``instances`` (:func:`motifnet.interpret.ground_truth.read_instances`);
    ``attributed``: class -> the ids of the sequences attributed for it."""
    cores = seqlets[["sequence", "core_start", "core_end", "class"]].set_axis(
        ["sequence", "start", "end", "class"], axis=1).reset_index(drop=True)
    true = _overlapping(cores, instances)["index"].unique()
    rng = np.random.default_rng(seed)
    width = (cores["end"] - cores["start"]).to_numpy()
    moved = cores.assign(start=rng.integers(0, np.maximum(length - width, 0) + 1))
    moved["end"] = moved["start"] + width
    chance = _overlapping(moved, instances)["index"].unique()
    found, total = 0, 0
    for name, ids in attributed.items():
        own = instances[(instances["tf"] == name) & instances["sequence"].isin(ids)]
        own = own.reset_index(drop=True)
        hits = _overlapping(cores[cores["class"] == name], own)["instance"].nunique()
        found, total = found + hits, total + len(own)
    n = len(cores)
    return {"n_seqlets": n,
            "precision": float(len(true) / n) if n else None,
            "precision_chance": float(len(chance) / n) if n else None,
            "recall": float(found / total) if total else None,
            "instances": int(total)}


def rank_auroc(labels: np.ndarray, scores: np.ndarray) -> float:
    """Area under the ROC curve (ties count one half): scikit-learn's ``roc_auc_score`` as
    the Mann-Whitney U statistic, without its per-call input validation, which costs a
    millisecond per sequence here. Both labels must be present (the caller checks; unlike
    :func:`motifnet.train.metrics.auroc`, which returns NaN)."""
    positives = int(labels.sum())
    negatives = len(labels) - positives
    ranks = rankdata(scores)
    return float((ranks[labels].sum() - positives * (positives + 1) / 2)
                 / (positives * negatives))


def rank_average_precision(labels: np.ndarray, scores: np.ndarray) -> float:
    """Average precision as scikit-learn's ``average_precision_score`` defines it: precision
    at each distinct score, weighted by the recall it adds."""
    order = np.argsort(-scores, kind="stable")
    ranked, hits = scores[order], labels[order]
    last = np.r_[np.flatnonzero(np.diff(ranked)), len(ranked) - 1]  # last of each tied run
    true = np.cumsum(hits)[last]
    precision = true / (last + 1)
    recall = true / true[-1]
    return float(np.sum(np.diff(recall, prepend=0.0) * precision))


def separation(maps: ClassAttributions, instances: pd.DataFrame) -> tuple[list, list]:
    """Per sequence of ``maps`` with both kinds of position: AUROC and AUPRC of the attribution
    size separating the class's own motif positions from background positions."""
    length = maps.x.shape[-1]
    own = position_mask(instances[instances["tf"] == maps.class_name], maps.ids, length)
    motif = position_mask(instances, maps.ids, length)
    size = np.abs(maps.position_scores())
    aurocs, auprcs = [], []
    for score, positive, any_motif in zip(size, own, motif):
        keep = positive | ~any_motif
        labels = positive[keep]
        if labels.all() or not labels.any():
            continue
        aurocs.append(rank_auroc(labels, score[keep]))
        auprcs.append(rank_average_precision(labels, score[keep]))
    return aurocs, auprcs


def attribution_scores(classes: list[ClassAttributions], instances: pd.DataFrame) -> dict:
    """Mean attribution AUROC and AUPRC over every attributed sequence, and per class."""
    per_class, all_auroc, all_auprc = {}, [], []
    for maps in classes:
        aurocs, auprcs = separation(maps, instances)
        all_auroc += aurocs
        all_auprc += auprcs
        per_class[maps.class_name] = {"auroc": _mean(aurocs), "auprc": _mean(auprcs),
                                      "sequences": len(aurocs)}
    return {"auroc": _mean(all_auroc), "auprc": _mean(all_auprc), "per_class": per_class}


def _mean(values: list) -> float | None:
    return float(np.mean(values)) if values else None
