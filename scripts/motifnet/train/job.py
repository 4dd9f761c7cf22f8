"""One training job, a dataset x architecture: fit, evaluate on the test split, write it all.

Outputs are written only at the end, atomically, so a failed run leaves no complete-looking
files; the state after each epoch is kept beside them (``model.pt.resume``), so that a killed
job, run again, goes on from its last completed epoch.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from ..data.encoded import fold_data, load_dataset, load_encoding
from ..data.table import with_labels
from ..errors import InputError
from ..io import write_json, write_tsv
from ..models.registry import build_model
from . import plots
from .checkpoint import Resume, data_fingerprint, resume_path, save_checkpoint
from .devices import job_device
from .loop import fit, predict, seed_everything
from .metrics import compute_metrics
from .settings import RESOURCE_KEYS
from .stopping import stop_record

log = logging.getLogger(__name__)


@dataclass
class Outputs:
    """The files of one training job (``results/{dataset}/{arch}/``): a classifier draws ROC
    curves and confusion matrices, a regression model predicted-vs-observed plots; the job of
    one fold of a k-fold dataset draws none."""

    model: str
    history: str
    metrics: str
    predictions: str
    curves: str | None = None
    roc: str | None = None
    confusion: str | None = None
    scatter: str | None = None


def write_predictions(path: str | os.PathLike, ids: np.ndarray, y: np.ndarray,
                      prob: np.ndarray, classes: list[str]) -> None:
    """``predictions.tsv``: per test sequence its id, labels ``y:<class>`` and probabilities
    ``p:<class>`` (regression: observed and predicted values)."""
    table = with_labels(pd.DataFrame({"id": ids}), y, classes)
    write_tsv(path, with_labels(table, prob, classes, prefix="p:"), float_format="%.6g")


@dataclass
class Fold:
    """One fold of a k-fold dataset: every sequence (``all.npz``), their folds
    (``folds.tsv``), the split settings and the fold's number."""

    all: str
    folds: str
    split: dict
    number: int


def train_and_evaluate(*, encoding: str, model_name: str, params: dict, cfg: dict,
                       device: torch.device, outputs: Outputs, threads: int,
                       train: str | None = None, val: str | None = None,
                       test: str | None = None, fold: Fold | None = None,
                       attribution_classes: list[str] = ()) -> dict:
    """Train one architecture on one dataset (its ``train``/``val``/``test`` splits, or one
    ``fold``), evaluate it on the test split, write ``outputs``.

    ``cfg`` holds the training settings (see :data:`DEFAULTS`; the resource keys are not
    needed); ``attribution_classes`` (the config's, where the model will be attributed) are
    checked against the dataset's classes before training. Returns the test metrics written
    to ``outputs.metrics``.
    """
    torch.set_num_threads(threads)
    if fold is None:
        info, data = load_dataset((train, val, test), encoding)
    else:
        info = load_encoding(encoding)
        data = fold_data(fold.all, fold.folds, fold.split, fold.number)
        log.info("fold %d of %d", fold.number, fold.split["k"])
    task, classes = info["task"], list(info["classes"])
    unknown = [name for name in attribution_classes if name not in classes]
    if unknown:
        raise InputError(f"class(es) {unknown} are not classes of this dataset; nothing "
                         "trained", key="attribution.classes",
                         hint=f"its classes: {', '.join(classes)}; leave the list empty to "
                         "attribute every class")
    log.info("%s: %s task, %d classes, length %d; train %d, val %d, test %d sequences",
             info.get("dataset", encoding), task, len(classes), info["length"],
             len(data["train"].x), len(data["val"].x), len(data["test"].x))
    if task == "regression":
        check_targets(data, classes, cfg.get("loss", "mse"), encoding)
    seed_everything(cfg["seed"])
    model = build_model(model_name, len(classes), info["length"], params)
    n_parameters = sum(p.numel() for p in model.parameters())
    log.info("model %s, %d parameters, hparams %s; device %s, %d threads",
             model_name, n_parameters, model.hparams, device, threads)

    resume = Resume(resume_path(outputs.model), {
        "model": model_name, "params": params,
        "training": {k: v for k, v in cfg.items() if k not in ("device", *RESOURCE_KEYS)},
        "data": data_fingerprint(*((train, val) if fold is None else (fold.all, fold.folds)),
                                 encoding)})
    result = fit(model, data["train"], data["val"], task, cfg, device, resume)
    model.load_state_dict(result.best_state)
    held_out = data["test"]
    loss = cfg.get("loss", "mse")
    prob = predict(model, held_out.x, task, device, 4 * cfg["batch_size"], loss)
    if result.scale is not None:
        prob = result.scale.restored(prob)
    metrics = compute_metrics(held_out.y, prob, task, classes)
    epochs_run = len(result.history)
    stop = stop_record(early_stopped=result.early_stopped, best_epoch=result.best_epoch,
                       epochs_run=epochs_run, epochs=cfg["epochs"], patience=cfg["patience"])
    metrics.update({
        "n_parameters": int(n_parameters),
        "train_seconds": round(result.seconds, 3),
        "seconds_per_epoch": round(result.seconds / epochs_run, 3),
        "best_epoch": result.best_epoch,
        "epochs_run": epochs_run,
        "select_on": cfg["select_on"],
        **stop,
        "device": str(device),
    })
    if task == "regression":
        metrics["loss"] = loss
        metrics["standardized"] = result.scale is not None
        metrics["transform"] = info.get("transform", "none")
    headline = (("pearson", "spearman", "r2", "mse") if task == "regression"
                else ("accuracy", "auroc", "auprc", "f1"))
    log.info("test: %s (best epoch %d)", ", ".join(
        f"{key} {'n/a' if metrics[key] is None else f'{metrics[key]:.4f}'}"
        for key in headline), result.best_epoch)
    log.info("stopped after %d of %d epochs: %s", epochs_run, cfg["epochs"], stop["stopped"])

    history = pd.DataFrame(result.history)
    write_tsv(outputs.history, history, float_format="%.6g")
    write_predictions(outputs.predictions, held_out.ids, held_out.y, prob, classes)
    if outputs.curves:
        plots.plot_curves(history, result.best_epoch, outputs.curves, stop["stopped"])
    if outputs.scatter:
        plots.plot_scatter(held_out.y, prob, classes, outputs.scatter)
    if outputs.roc:
        plots.plot_roc(held_out.y, prob, classes, outputs.roc)
    if outputs.confusion:
        plots.plot_confusion(held_out.y, prob, classes, task, outputs.confusion)
    write_json(outputs.metrics, metrics)
    save_checkpoint(outputs.model, model, model_name=model_name, encoding=info, training=cfg,
                    best_epoch=result.best_epoch, seconds=result.seconds, device=str(device),
                    target_scale=result.scale.record() if result.scale else None)
    resume.remove()
    return metrics


def check_targets(data: dict, targets: list[str], loss: str, encoding: str) -> None:
    """A Poisson model's targets are counts or rates: refuse negative ones, naming the
    sequence."""
    if loss != "poisson":
        return
    for name, split in data.items():
        negative = split.y < 0
        if negative.any():
            row, k = (int(i) for i in np.argwhere(negative)[0])
            raise InputError(
                f"loss poisson takes targets >= 0; sequence '{split.ids[row]}' ({name} split) "
                f"has {split.y[row, k]:g} for target '{targets[k]}'", path=encoding,
                key="training.loss",
                hint="use loss: mse for targets that can be negative")


def train_on_slot(*, gpus: dict, holds_gpu: bool, **job) -> dict:
    """:func:`train_and_evaluate` on the device the job may use (:func:`.devices.job_device`)."""
    with job_device(gpus, holds_gpu, job["cfg"]["device"]) as device:
        return train_and_evaluate(device=device, **job)
