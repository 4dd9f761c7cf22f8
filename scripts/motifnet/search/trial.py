"""One trial on one dataset: the training job's code (:mod:`motifnet.train.job`) on the trial's
parameters; a trial that cannot train (a shape the data cannot take, a diverged loss, out of
memory) is recorded as failed with its reason, so the other trials go on.

Training runs in a child process (forked on Linux), so that a trial the system kills (the
out-of-memory killer sends SIGKILL to the largest process, which is the child) is seen by the
job: on the job's last attempt it is recorded as failed ("killed by SIGKILL"); on an earlier
one the job fails, and Snakemake retries it with twice the memory and time. A signal that
stops the job itself (SIGTERM, SIGINT: a cancelled run) reaches the child too (it asks the
kernel for its parent's death signal) and leaves no result, so the trial reruns.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
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


class Killed(RuntimeError):
    """The trial's process ended by a signal (``signal``: its name)."""

    def __init__(self, signal_name: str):
        cause = " (most often the system's out-of-memory killer)" * (signal_name == "SIGKILL")
        super().__init__(f"killed by {signal_name}{cause}")
        self.signal = signal_name


PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies


def _call_in_child(writer, function, kwargs: dict) -> None:
    try:  # Linux: die with the job (a cancelled run must not leave training behind)
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass
    writer.send(function(**kwargs))
    writer.close()


def in_child(function, **kwargs):
    """``function(**kwargs)`` in a child process (forked where the platform allows, else
    spawned); its return value. Raises :class:`Killed` when a signal ended the child, and
    ``RuntimeError`` when it exited with an error (its traceback is in the job's log)."""
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    reader, writer = context.Pipe(duplex=False)
    process = context.Process(target=_call_in_child, args=(writer, function, kwargs))
    process.start()
    writer.close()
    try:
        value = reader.recv()
    except EOFError:
        value = None
    process.join()
    if process.exitcode and process.exitcode < 0:
        raise Killed(signal.Signals(-process.exitcode).name)
    if process.exitcode or value is None:
        raise RuntimeError(f"the trial's process exited with status {process.exitcode}; "
                           "its error is above")
    return value


def run_trial(*, plan: str, number: int, dataset: str, data: dict[str, str],
              global_training: dict, search_training: dict, gpus: dict, holds_gpu: bool,
              threads: int, result: str, folder: str, naming: dict | None = None,
              last_attempt: bool = True) -> dict:
    """Train trial ``number`` of ``plan`` on ``dataset`` (``data``: train, val, test,
    encoding) in a child process; write its training outputs under ``folder`` and ``result``
    (state, reason, values per objective, test metrics, seconds). ``naming`` (motif_db,
    motifs, tomtom, ground_truth) is needed for the filter objectives (``fraction_named``,
    ``any_hit``). A trial killed by the system (SIGKILL) is recorded as failed on the
    ``last_attempt`` and raises :class:`Killed` (no result) on an earlier one, as does any
    other signal."""
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
        record.update(in_child(
            train_and_score, gpus=gpus, holds_gpu=holds_gpu, data=data,
            params=model_params, cfg=cfg, outputs=outputs, threads=threads,
            objectives=round_plan["objectives"], naming=naming,
            matches=str(Path(folder) / "tomtom.tsv")))
    except Killed as kill:
        if not last_attempt or kill.signal != "SIGKILL":  # a cancelled run leaves no result
            raise
        record.update(state="fail", reason=str(kill))
    if record["state"] == "fail":
        log.warning("trial %d on %s failed: %s", number, dataset, record["reason"])
    record["seconds"] = round(time.perf_counter() - started, 3)
    write_result(result, record)
    return record


def train_and_score(*, gpus: dict, holds_gpu: bool, data: dict[str, str], params: dict,
                    cfg: dict, outputs: Outputs, threads: int, objectives: list[str],
                    naming: dict | None, matches: str) -> dict:
    """Train one trial and score it: the result's state, reason, values, test metrics and
    parameter count (state ``fail`` with the reason for a trial that cannot train)."""
    try:
        metrics = train_on_slot(gpus=gpus, holds_gpu=holds_gpu, train=data["train"],
                                val=data["val"], test=data["test"], encoding=data["encoding"],
                                model_name="architect", params=params, cfg=cfg,
                                outputs=outputs, threads=threads)
    except (InputError, RuntimeError) as error:
        if isinstance(error, RuntimeError) and not _out_of_memory(error):
            raise
        reason = "out of memory" if not isinstance(error, InputError) else error.problem
        return {"state": "fail", "reason": reason}
    values = validation_values(outputs.history, metrics["best_epoch"])
    if set(FILTER_OBJECTIVES) & set(objectives):
        values.update(_filter_values(outputs.model, data["val"], naming, Path(matches),
                                     threads))
    return {"state": "complete", "reason": "", "values": values,
            "test": {k: metrics.get(k) for k in ("auroc", "auprc", "accuracy", "f1")},
            "n_parameters": metrics["n_parameters"]}


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
