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

import numpy as np
import torch

from ..motifs.filters import extract_pfms
from ..motifs.scoring import (
    CALL_SETTINGS,
    call_names,
    compare_with_null,
    informative_queries,
    score_filters,
)

log = logging.getLogger(__name__)


def filter_objectives(model: torch.nn.Module, x: np.ndarray, *, motif_db: str, motifs: dict,
                      tomtom: dict, ground_truth: dict | None, threads: int) -> dict[str, float]:
    """``fraction_named`` and ``any_hit`` (NaN without ground truth) of ``model``'s conv1."""
    x = x[: motifs["max_sequences"]].astype("float32", copy=False)
    pfms = extract_pfms(model, x, "conv1", mode=motifs["mode"], threshold=motifs["threshold"],
                        top_n=motifs["top_n"])
    queries, _ = informative_queries(pfms.motifs(min_sites=1, trim_ic=motifs["trim_ic"]))
    matches, null_matches, _ = compare_with_null(queries, motif_db, tomtom, threads)
    call = {key: tomtom[key] for key in CALL_SETTINGS}
    names, null = call_names(matches, null_matches, queries, pfms.ids(),
                             tomtom["null_shuffles"], ground_truth=ground_truth, **call)
    score = score_filters(names, matches, null, call, ground_truth=ground_truth)
    values = {"fraction_named": score["fraction_matched"],
              "any_hit": score["ground_truth"]["fraction_any_hit"] if ground_truth else math.nan}
    log.info("conv1: %d of %d filters named, any-hit fraction %s (shuffled null named %.3f)",
             score["n_matched"], pfms.n_filters, values["any_hit"], null["fraction_named"])
    return values
