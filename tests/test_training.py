"""Training loop, outputs, checkpoint round-trip, metrics and training settings."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from motifnet.data.encoded import EncodedSplit, save_split
from motifnet.data.onehot import encode
from motifnet.errors import InputError
from motifnet.io import write_json
from motifnet.train.checkpoint import load_model
from motifnet.train.loop import (
    DEFAULTS,
    Outputs,
    fit,
    mixed_precision,
    predict,
    resolve_training,
    sample_weights,
    train_and_evaluate,
)
from motifnet.train.metrics import compute_metrics
from sklearn.metrics import f1_score, precision_score, recall_score, roc_auc_score
from torch import nn

torch.set_num_threads(1)
MOTIF = "GATTCA"
CPU = torch.device("cpu")


def planted(n: int, length: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Random sequences; half get MOTIF planted; label = MOTIF present (either way it got there)."""
    rng = np.random.default_rng(seed)
    seqs = ["".join(rng.choice(list("ACGT"), length)) for _ in range(n)]
    for i in range(0, n, 2):
        at = int(rng.integers(0, length - len(MOTIF)))
        seqs[i] = seqs[i][:at] + MOTIF + seqs[i][at + len(MOTIF):]
    y = np.array([[MOTIF in s] for s in seqs], dtype=np.uint8)
    return encode(seqs), y


def splits(n: int = 600, length: int = 60, multiclass: bool = False) -> dict[str, EncodedSplit]:
    x, y = planted(n, length, seed=1)
    if multiclass:
        y = np.concatenate([1 - y, y], axis=1)
    ids = np.array([f"seq{i}" for i in range(n)])
    cut = [int(n * 0.7), int(n * 0.85)]
    return {name: EncodedSplit(x[rows], y[rows], ids[rows])
            for name, rows in zip(("train", "val", "test"), np.split(np.arange(n), cut))}


class Tiny(nn.Module):
    """One conv layer and global max-pool: enough to find a 6-mer."""

    def __init__(self, n_outputs: int = 1) -> None:
        super().__init__()
        self.conv = nn.Conv1d(4, 16, 6)
        self.head = nn.Linear(16, n_outputs)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.conv(x).relu().amax(dim=2))


def settings(**given) -> dict:
    return resolve_training({"epochs": 6, "batch_size": 32, "lr": 1e-2, "seed": 0}, given)


@pytest.mark.parametrize("bf16", [False, True])
def test_fit_learns_planted_motif(bf16):
    data = splits()
    cfg = settings(bf16_cpu=bf16, epochs=8)
    result = fit(Tiny(), data["train"], data["val"], "binary", cfg, CPU)
    best = max(row["val_auroc"] for row in result.history)
    assert best > 0.9
    assert result.history[result.best_epoch - 1]["val_auroc"] == best
    assert set(result.history[0]) == {"epoch", "train_loss", "val_loss", "val_auroc",
                                      "val_auprc", "lr", "seconds"}


@pytest.mark.parametrize("task,weighting,scheduler,rc", [
    ("binary", "pos_weight", "onecycle", True),
    ("binary", "sampler", "none", False),
    ("multiclass", "pos_weight", "plateau", True),
    ("multiclass", "sampler", "plateau", False),
])
def test_fit_options_learn(task, weighting, scheduler, rc):
    data = splits(multiclass=task == "multiclass")
    k = data["train"].y.shape[1]
    cfg = settings(class_weighting=weighting, scheduler=scheduler, rc_augment=rc, epochs=4)
    result = fit(Tiny(k), data["train"], data["val"], task, cfg, CPU)
    assert max(row["val_auroc"] for row in result.history) > 0.8


def test_early_stopping_and_uint8_input():
    data = splits()
    for split in data.values():
        split.x = split.x.astype(np.uint8)
    cfg = settings(epochs=30, patience=2, lr=1e-9, scheduler="none")
    result = fit(Tiny(), data["train"], data["val"], "binary", cfg, CPU)
    assert len(result.history) < 30
    assert len(result.history) - result.best_epoch == 2


def test_mixed_precision_dtype():
    cuda, mps = torch.device("cuda"), torch.device("mps")
    assert mixed_precision(settings(amp=True), cuda) == torch.float16
    assert mixed_precision(settings(amp=False), cuda) is None
    assert mixed_precision(settings(amp=True), CPU) is None
    assert mixed_precision(settings(bf16_cpu=True), CPU) in (None, torch.bfloat16)
    assert mixed_precision(settings(bf16_cpu=True), mps) is None


def test_sampler_weights_balance_classes():
    y = np.array([[1], [0], [0], [0]], dtype=np.uint8)
    w = sample_weights(y, "binary").numpy()
    assert w[0] == pytest.approx(1.0) and w[1:] == pytest.approx([1 / 3] * 3)
    multi = np.array([[1, 0], [1, 1], [1, 0], [0, 0]], dtype=np.uint8)
    assert sample_weights(multi, "multilabel").numpy() == pytest.approx([1 / 3, 1.0, 1 / 3, 1.0])


def write_dataset(root: Path, data: dict[str, EncodedSplit], length: int, task: str = "binary",
                  classes: tuple[str, ...] = ("motif",)) -> dict[str, str]:
    paths = {name: str(root / f"{name}.npz") for name in data}
    for name, split in data.items():
        save_split(paths[name], split)
    paths["encoding"] = str(root / "encoding.json")
    write_json(paths["encoding"], {"dataset": "planted", "task": task, "classes": list(classes),
                                   "length": length, "dtype": "float32", "alphabet": "ACGT"})
    return paths


def outputs(root: Path) -> Outputs:
    return Outputs(model=str(root / "model.pt"), history=str(root / "history.tsv"),
                   metrics=str(root / "metrics.json"), predictions=str(root / "predictions.tsv"),
                   curves=str(root / "plots/curves.png"), roc=str(root / "plots/roc.png"),
                   confusion=str(root / "plots/confusion.png"))


def test_train_and_evaluate_writes_outputs_and_model_round_trips(tmp_path):
    data = splits()
    paths = write_dataset(tmp_path, data, 60)
    out = outputs(tmp_path / "deepbind")
    metrics = train_and_evaluate(**paths, model_name="deepbind", params={}, cfg=settings(),
                                 device=CPU, outputs=out, threads=1)
    assert metrics["auroc"] > 0.9
    assert json.loads(Path(out.metrics).read_text()) == metrics
    for key in ("accuracy", "auprc", "precision", "recall", "f1", "specificity", "n_parameters",
                "train_seconds", "seconds_per_epoch", "best_epoch", "device"):
        assert metrics[key] is not None, key
    history = pd.read_csv(out.history, sep="\t")
    assert list(history.columns) == ["epoch", "train_loss", "val_loss", "val_auroc", "val_auprc",
                                     "lr", "seconds"]
    for png in (out.curves, out.roc, out.confusion):
        assert Path(png).read_bytes()[:4] == b"\x89PNG"

    model, info = load_model(out.model)
    assert not model.training
    assert (info["model"], info["task"], info["classes"], info["length"]) == \
        ("deepbind", "binary", ["motif"], 60)
    assert info["best_epoch"] == metrics["best_epoch"]
    assert info["training"]["lr"] == 1e-2
    test = data["test"]
    again = predict(model, test.x, "binary")
    table = pd.read_csv(out.predictions, sep="\t")
    assert list(table.columns) == ["id", "y:motif", "p:motif"]
    assert table["id"].tolist() == test.ids.tolist()
    assert table["y:motif"].tolist() == test.y[:, 0].tolist()
    np.testing.assert_allclose(table["p:motif"], again[:, 0], rtol=1e-5, atol=1e-6)
    reloaded, _ = load_model(out.model)
    np.testing.assert_array_equal(predict(reloaded, test.x, "binary"), again)


def test_real_model_builds_and_trains_at_200nt(tmp_path):
    data = splits(n=200, length=200)
    cfg = settings(epochs=1)
    model_name, params = "koo_cnn", {"variant": "cnn-25"}
    paths = write_dataset(tmp_path, data, 200)
    out = outputs(tmp_path / "cnn25")
    train_and_evaluate(**paths, model_name=model_name, params=params, cfg=cfg, device=CPU,
                       outputs=out, threads=1)
    model, info = load_model(out.model)
    assert info["hparams"]["pool1"] == 25
    assert predict(model, data["test"].x, "binary").shape == (len(data["test"].x), 1)


def test_multiclass_job(tmp_path):
    data = splits(multiclass=True)
    paths = write_dataset(tmp_path, data, 60, "multiclass", ("absent", "present"))
    out = outputs(tmp_path / "mc")
    metrics = train_and_evaluate(**paths, model_name="deepbind", params={},
                                 cfg=settings(epochs=3), device=CPU, outputs=out, threads=1)
    assert np.array(metrics["confusion_matrix"]["matrix"]).shape == (2, 2)
    table = pd.read_csv(out.predictions, sep="\t")
    np.testing.assert_allclose(table[["p:absent", "p:present"]].sum(axis=1), 1, atol=1e-5)
    bad = splits()
    bad["val"].y = np.concatenate([bad["val"].y, bad["val"].y], axis=1)
    bad["train"].y = np.concatenate([bad["train"].y, 1 - bad["train"].y], axis=1)
    bad["test"].y = bad["train"].y[:len(bad["test"].y)]
    paths = write_dataset(tmp_path / "bad", bad, 60, "multiclass", ("a", "b"))
    with pytest.raises(InputError, match="exactly one class"):
        train_and_evaluate(**paths, model_name="deepbind", params={}, cfg=settings(),
                           device=CPU, outputs=outputs(tmp_path / "bad"), threads=1)


def test_nan_loss_stops_with_error_and_no_model(tmp_path):
    data = splits()
    data["train"].x[3, 0, 5] = np.nan
    paths = write_dataset(tmp_path, data, 60)
    out = outputs(tmp_path / "nan")
    with pytest.raises(InputError, match="NaN or infinite"):
        train_and_evaluate(**paths, model_name="deepbind", params={}, cfg=settings(),
                           device=CPU, outputs=out, threads=1)
    assert not (tmp_path / "nan").exists() or not any((tmp_path / "nan").rglob("*"))


def test_binary_metrics_hand_made():
    y = np.array([[1], [1], [1], [0], [0], [0], [0], [1]])
    prob = np.array([[0.9], [0.8], [0.3], [0.6], [0.2], [0.1], [0.4], [0.7]])
    m = compute_metrics(y, prob, "binary", ["pos"])
    # calls: 1 1 0 1 0 0 0 1 -> tp 3, fn 1, fp 1, tn 3
    assert m["confusion_matrix"]["matrix"] == [[3, 1], [1, 3]]
    assert m["accuracy"] == pytest.approx(6 / 8)
    assert m["precision"] == pytest.approx(3 / 4)
    assert m["recall"] == pytest.approx(3 / 4)
    assert m["specificity"] == pytest.approx(3 / 4)
    assert m["f1"] == pytest.approx(3 / 4)
    # positives outrank negatives in 15 of 16 pairs (0.3 < 0.4 and 0.6)
    assert m["auroc"] == pytest.approx(14 / 16)
    assert m["auroc"] == pytest.approx(roc_auc_score(y[:, 0], prob[:, 0]))


def test_multiclass_and_multilabel_metrics_agree_with_sklearn():
    rng = np.random.default_rng(0)
    prob = rng.dirichlet(np.ones(3), size=60)
    truth = np.where(rng.random(60) < 0.6, prob.argmax(1), rng.integers(0, 3, 60))
    y = np.eye(3, dtype=np.uint8)[truth]
    m = compute_metrics(y, prob, "multiclass", ["a", "b", "c"])
    guess = prob.argmax(1)
    assert m["accuracy"] == pytest.approx((guess == truth).mean())
    assert m["f1"] == pytest.approx(f1_score(truth, guess, average="macro"))
    assert m["precision"] == pytest.approx(precision_score(truth, guess, average="macro"))
    assert m["recall"] == pytest.approx(recall_score(truth, guess, average="macro"))
    assert m["auroc"] == pytest.approx(roc_auc_score(truth, prob, multi_class="ovr",
                                                     average="macro"))
    assert np.array(m["confusion_matrix"]["matrix"]).sum() == 60

    labels = np.array([[1, 0], [0, 0], [1, 0], [0, 0]])
    scores = np.array([[0.8, 0.1], [0.3, 0.7], [0.6, 0.2], [0.7, 0.4]])
    ml = compute_metrics(labels, scores, "multilabel", ["x", "never"])
    assert ml["per_class"]["never"]["auroc"] is None
    assert ml["auroc"] == pytest.approx(roc_auc_score(labels[:, 0], scores[:, 0]))
    assert ml["subset_accuracy"] == pytest.approx(2 / 4)


def test_resolve_training_precedence_and_errors():
    resolved = resolve_training({"lr": 0.01, "epochs": 3}, {"epochs": 7, "rc_augment": True})
    assert resolved["lr"] == 0.01 and resolved["epochs"] == 7 and resolved["rc_augment"] is True
    assert resolved["batch_size"] == DEFAULTS["batch_size"]
    assert set(resolved) == set(DEFAULTS)
    assert isinstance(resolve_training({"lr": 1}, None)["lr"], float)
    with pytest.raises(InputError, match=r"architectures\.cnn\.training\.epochs.*integer"):
        resolve_training({}, {"epochs": "ten"}, arch="cnn")
    with pytest.raises(InputError, match=r"(?s)training\.lr.*1\.0e-3"):
        resolve_training({"lr": "1e-3"}, {})
    with pytest.raises(InputError, match=r"training\.amp"):
        resolve_training({"amp": 1}, {})
    with pytest.raises(InputError, match=r"training\.scheduler.*allowed"):
        resolve_training({"scheduler": "cosine"}, {})
    with pytest.raises(InputError, match=r"unknown training setting 'epoch'"):
        resolve_training({"epoch": 3}, {})


@pytest.mark.parametrize("task,k", [("binary", 1), ("multilabel", 3), ("multiclass", 3)])
def test_plots_for_each_task(tmp_path, task, k):
    from motifnet.train import plots

    rng = np.random.default_rng(k)
    prob = rng.random((40, k))
    if task == "multiclass":
        prob /= prob.sum(1, keepdims=True)
        y = np.eye(k, dtype=np.uint8)[rng.integers(0, k, 40)]
    else:
        y = (rng.random((40, k)) < 0.4).astype(np.uint8)
    classes = [f"c{i}" for i in range(k)]
    history = pd.DataFrame({"epoch": [1, 2], "train_loss": [0.7, 0.6], "val_loss": [0.69, 0.65],
                            "val_auroc": [0.6, 0.7], "val_auprc": [0.5, 0.55], "lr": [1e-3, 1e-3],
                            "seconds": [0.1, 0.1]})
    plots.plot_curves(history, 2, tmp_path / "curves.png")
    plots.plot_roc(y, prob, classes, tmp_path / "roc.png")
    plots.plot_confusion(y, prob, classes, task, tmp_path / "confusion.png")
    for name in ("curves", "roc", "confusion"):
        assert (tmp_path / f"{name}.png").read_bytes()[:4] == b"\x89PNG"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["confusion.png", "curves.png", "roc.png"]
