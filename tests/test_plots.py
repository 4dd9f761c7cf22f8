"""Training figures for every task."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from motifnet.train import plots


@pytest.mark.parametrize("task,k", [("binary", 1), ("multilabel", 3), ("multiclass", 3)])
def test_plots_for_each_task(tmp_path, task, k):
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
