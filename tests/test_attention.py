"""The attention job: maps of a saved model over a split, per class, on the sequences the
attribute job takes; a model without attention is refused."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from test_attention_windows import SMALL

from motifnet.data.encoded import EncodedSplit, save_split
from motifnet.errors import InputError
from motifnet.interpret.attention import attention_model
from motifnet.interpret.attention_maps import load_classes, read_geometry, read_summary
from motifnet.interpret.attribution import select_targets
from motifnet.models.registry import build_model
from motifnet.train.checkpoint import save_checkpoint

LENGTH = 48
CLASSES = ["A", "B", "C"]
SELECTION = {"classes": [], "max_sequences": 20, "seed": 0}
GPUS = {"devices": [], "jobs_per_device": 1, "cpu_only": True, "lock_dir": ".gpu-locks"}


def saved_model(tmp_path, name: str, params: dict, task: str = "multilabel") -> str:
    torch.manual_seed(0)
    model = build_model(name, len(CLASSES), LENGTH, params).eval()
    path = tmp_path / f"{name}.pt"
    save_checkpoint(path, model, model_name=name,
                    encoding={"classes": CLASSES, "task": task},
                    training={"device": "cpu"}, best_epoch=1, seconds=0.0, device="cpu")
    return str(path)


def split(tmp_path, n: int = 40) -> tuple[str, EncodedSplit]:
    rng = np.random.default_rng(0)
    x = np.eye(4, dtype=np.float32)[rng.integers(0, 4, (n, LENGTH))].transpose(0, 2, 1)
    y = (rng.random((n, len(CLASSES))) < 0.3).astype(np.uint8)
    y[:, 2] = 0  # class C has no positive
    data = EncodedSplit(x=x, y=y, ids=np.array([f"s{i}" for i in range(n)]))
    save_split(tmp_path / "test.npz", data)
    return str(tmp_path / "test.npz"), data


@pytest.mark.parametrize("name", ["attention_net", "promoter_net", "bigru_attention"])
def test_maps_per_class_over_the_attributed_sequences(tmp_path, name):
    sequences, data = split(tmp_path)
    model_path = saved_model(tmp_path, name, SMALL[name])
    out = tmp_path / "attention"
    summary = attention_model(model_path, {"test": sequences}, {"top_sequences": 5}, SELECTION,
                              out, gpus=GPUS, holds_gpu=False, batch_size=16)
    geometry = read_geometry(read_summary(out))
    assert summary["classes"] == CLASSES and summary["shared_by_outputs"]
    model = build_model(name, len(CLASSES), LENGTH, SMALL[name])
    model.load_state_dict(torch.load(model_path, weights_only=True)["state_dict"])
    model.eval()
    with torch.no_grad():
        weights = model.attention_weights(torch.as_tensor(data.x)).numpy()
        logits = model(torch.as_tensor(data.x)).numpy()
    targets = select_targets(data.y, np.full(len(data.y), "test"), CLASSES, [0, 1, 2], None,
                             SELECTION["max_sequences"], SELECTION["seed"])
    for k, (maps, target) in enumerate(zip(load_classes(out), targets)):
        rows = target.rows
        assert (data.y[rows, k] == 1).all() and len(rows) == min((data.y[:, k] == 1).sum(), 20)
        assert maps.ids.tolist() == data.ids[rows].tolist()
        assert np.allclose(maps.weights, weights[rows], atol=1e-5)
        assert maps.weights.shape[1] == geometry.positions
        positive = data.y[:, k] == 1
        assert maps.n_positive == positive.sum() and maps.n_negative == (~positive).sum()
        if positive.any():
            assert np.allclose(maps.mean_positive, weights[positive].mean(axis=0), atol=1e-5)
        else:
            assert np.isnan(maps.mean_positive).all()
        top = np.argsort(-logits[:, k], kind="stable")[:5]
        assert maps.top_ids.tolist() == data.ids[top].tolist()
        assert np.array_equal(maps.top_x, data.x[top].astype(np.uint8))


def test_a_model_without_attention_is_refused(tmp_path):
    sequences, _ = split(tmp_path)
    model_path = saved_model(tmp_path, "deepbind", {"filters": 4})
    with pytest.raises(InputError, match="model 'deepbind' has no attention pooling") as error:
        attention_model(model_path, {"test": sequences}, {"top_sequences": 5}, SELECTION,
                        tmp_path / "attention", gpus=GPUS, holds_gpu=False)
    assert "architect, attention_net, bigru_attention, promoter_net" in error.value.hint
    assert not (tmp_path / "attention").exists()


def test_a_regression_target_takes_its_top_quarter_as_attribution_does(tmp_path):
    rng = np.random.default_rng(1)
    x = np.eye(4, dtype=np.float32)[rng.integers(0, 4, (40, LENGTH))].transpose(0, 2, 1)
    y = rng.normal(size=(40, len(CLASSES))).astype(np.float32)
    save_split(tmp_path / "test.npz", EncodedSplit(x=x, y=y, ids=np.array([f"s{i}"
                                                                           for i in range(40)])))
    model_path = saved_model(tmp_path, "attention_net", SMALL["attention_net"], "regression")
    attention_model(model_path, {"test": str(tmp_path / "test.npz")}, {"top_sequences": 5},
                    SELECTION, tmp_path / "attention", gpus=GPUS, holds_gpu=False)
    for k, maps in enumerate(load_classes(tmp_path / "attention")):
        top = y[:, k] > np.quantile(y[:, k], 0.75)
        assert maps.n_positive == top.sum() == len(maps.ids) and maps.n_negative == 40 - top.sum()
