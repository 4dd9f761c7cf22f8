"""Interpretability objectives of a trial, from its first-layer filters: the calibrated named
fraction and, where the embedded motifs are known (synthetic data), the ground-truth any-hit
fraction (Koo & Eddy).

Cheap enough for every trial: the filters' PFMs come from the trial's validation sequences
(at most ``motifs.max_sequences``) in one pass of the trained model, and one TomTom call per
trial (filters and their column-shuffled controls against the motif database) gives both
figures, in the trial job itself; the named call is the motif stage's own
(:func:`motifnet.motifs.scoring.call_names`).
"""

from __future__ import annotations

import logging
import math
import os

import numpy as np
import torch

from ..motifs.filters import extract_pfms
from ..motifs.naming import name_queries

log = logging.getLogger(__name__)


def filter_objectives(model: torch.nn.Module, x: np.ndarray, *, motif_db: str, motifs: dict,
                      tomtom: dict, ground_truth: dict | None, matches: str | os.PathLike,
                      threads: int) -> dict[str, float]:
    """``fraction_named`` and ``any_hit`` (NaN without ground truth) of ``model``'s conv1; the
    TomTom table is written to ``matches``."""
    x = x[: motifs["max_sequences"]].astype("float32", copy=False)
    pfms = extract_pfms(model, x, "conv1", mode=motifs["mode"], threshold=motifs["threshold"],
                        top_n=motifs["top_n"])
    naming = name_queries(pfms.motifs(min_sites=1, trim_ic=motifs["trim_ic"]),
                          {"conv1": pfms.ids()}, motif_db, tomtom, ground_truth, matches,
                          id_column="filter", unit="filters", threads=threads)
    score = naming.scores["conv1"]
    return {"fraction_named": score["fraction_named"],
            "any_hit": score["ground_truth"]["fraction_any_hit"] if ground_truth else math.nan}
