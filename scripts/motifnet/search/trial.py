"""One trial on one dataset: the training job's code (:mod:`motifnet.train.job`) on the trial's
parameters; a trial that cannot train (a shape the data cannot take, a diverged loss, out of
memory) is recorded as failed with its reason, so the other trials go on."""

from __future__ import annotations

import logging
import os
import time
from dataclasses import fields
from pathlib import Path

import torch

from ..errors import InputError
from ..train.job import Outputs, train_on_slot
from ..train.settings import resolve_training
from .space import FILTER_OBJECTIVES, split_params
from .study import read_plan, write_result

log = logging.getLogger(__name__)


def _out_of_memory(error: RuntimeError) -> bool:
    text = str(error).lower()
    return isinstance(error, torch.OutOfMemoryError) or "out of memory" in text or (
        "can't allocate memory" in text)


def find_trial(plan: dict, number: int, plan_path: str | os.PathLike) -> dict:
    """The trial ``number`` of a plan."""
    for trial in plan["trials"]:
        if trial["number"] == number:
            return trial
    raise InputError(f"round {plan['round']} plans no trial {number}", path=plan_path,
                     hint=f"its trials: {[t['number'] for t in plan['trials']] or 'none'}")


def run_trial(*, plan: str, number: int, dataset: str, data: dict[str, str],
              global_training: dict, search_training: dict, gpus: dict, holds_gpu: bool,
              threads: int, result: str, folder: str, naming: dict | None = None) -> dict:
    """Train trial ``number`` of ``plan`` on ``dataset`` (``data``: train, val, test,
    encoding); write its training outputs under ``folder`` and ``result`` (state, reason,
    values per objective, test metrics, seconds). ``naming`` (motif_db, motifs, tomtom,
    ground_truth) is needed for the filter objectives (``fraction_named``, ``any_hit``)."""
    round_plan = read_plan(plan)
    trial = find_trial(round_plan, number, plan)
    model_params, trial_training = split_params(trial["params"])
    cfg = resolve_training(global_training, {**search_training, **trial_training},
                           arch=f"(search {round_plan['search']} trial {number})")
    Path(folder).mkdir(parents=True, exist_ok=True)
    outputs = Outputs(**{f.name: str(Path(folder) / name) for f, name in zip(
        fields(Outputs), ("model.pt", "history.tsv", "metrics.json", "predictions.tsv",
                          "curves.png", "roc.png", "confusion.png"))})
    record = {"number": number, "round": round_plan["round"], "dataset": dataset,
              "params": trial["params"], "training": cfg, "state": "complete", "reason": "",
              "values": None, "test": None}
    started = time.perf_counter()
    try:
        metrics = train_on_slot(gpus=gpus, holds_gpu=holds_gpu, train=data["train"],
                                val=data["val"], test=data["test"], encoding=data["encoding"],
                                model_name="architect", params=model_params, cfg=cfg,
                                outputs=outputs, threads=threads)
    except (InputError, RuntimeError) as error:
        if isinstance(error, RuntimeError) and not _out_of_memory(error):
            raise
        reason = "out of memory" if not isinstance(error, InputError) else error.problem
        log.warning("trial %d on %s failed: %s", number, dataset, reason)
        record.update(state="fail", reason=reason)
    else:
        record["values"] = validation_values(outputs.history, metrics["best_epoch"])
        if set(FILTER_OBJECTIVES) & set(round_plan["objectives"]):
            record["values"].update(_filter_values(outputs.model, data["val"], naming,
                                                   Path(folder) / "tomtom.tsv", threads))
        record["test"] = {k: metrics.get(k) for k in ("auroc", "auprc", "accuracy", "f1")}
        record["n_parameters"] = metrics["n_parameters"]
    record["seconds"] = round(time.perf_counter() - started, 3)
    write_result(result, record)
    return record


def validation_values(history: str, best_epoch: int) -> dict[str, float]:
    """The objectives read from the validation scores of the best epoch."""
    import pandas as pd

    row = pd.read_csv(history, sep="\t").set_index("epoch").loc[best_epoch]
    return {"auroc": float(row["val_auroc"]), "auprc": float(row["val_auprc"])}


def _filter_values(model_path: str, val: str, naming: dict | None, matches: Path,
                   threads: int) -> dict:
    from ..data.encoded import load_split
    from ..train.checkpoint import load_model
    from .interpretability import filter_objectives

    if naming is None:
        raise ValueError("the filter objectives need the motif database and settings (naming)")
    model, _ = load_model(model_path)
    return filter_objectives(model, load_split(val).x, matches=matches, threads=threads,
                             **naming)
