"""The training loop: it learns, its options learn, it stops early; precision and weights."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from motifnet.train.loop import fit, make_optimizer, mixed_precision, sample_weights

from planted import CPU, Tiny, settings, splits

torch.set_num_threads(1)


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


def test_fit_says_whether_early_stopping_ended_it_and_selects_on_the_loss():
    data = splits()
    stopped = fit(Tiny(), data["train"], data["val"], "binary",
                  settings(epochs=30, patience=2, lr=1e-9, scheduler="none"), CPU)
    assert stopped.early_stopped and len(stopped.history) < 30
    capped = fit(Tiny(), data["train"], data["val"], "binary",
                 settings(epochs=3, patience=5, select_on="val_loss", optimizer="adam",
                          weight_decay=1e-6, scheduler="none"), CPU)
    assert not capped.early_stopped and len(capped.history) == 3
    losses = [row["val_loss"] for row in capped.history]
    assert capped.best_epoch == 1 + losses.index(min(losses))


@pytest.mark.parametrize("name,kind", [("adamw", torch.optim.AdamW), ("adam", torch.optim.Adam),
                                       ("sgd", torch.optim.SGD)])
def test_each_optimizer_setting_builds_its_optimizer_and_learns(name, kind):
    optimizer = make_optimizer(Tiny(), settings(optimizer=name, lr=0.1, weight_decay=1e-4))
    assert isinstance(optimizer, kind)
    group = optimizer.param_groups[0]
    assert group["lr"] == 0.1 and group["weight_decay"] == 1e-4
    if name == "sgd":
        assert group["nesterov"] and group["momentum"] == 0.9
    data = splits()
    result = fit(Tiny(), data["train"], data["val"], "binary",
                 settings(epochs=8, optimizer=name, lr=0.05, scheduler="none"), CPU)
    assert max(row["val_auroc"] for row in result.history) > 0.9
