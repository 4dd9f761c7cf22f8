"""One training job: outputs, checkpoint round-trip, and bad data that stops it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from motifnet.data.encoded import EncodedSplit, save_dataset
from motifnet.errors import InputError
from motifnet.train.checkpoint import load_model
from motifnet.train.job import Outputs, train_and_evaluate
from motifnet.train.loop import predict

from planted import CPU, settings, splits

torch.set_num_threads(1)


def write_dataset(root: Path, data: dict[str, EncodedSplit], task: str = "binary",
                  classes: tuple[str, ...] = ("motif",)) -> dict[str, str]:
    paths = {name: str(root / f"{name}.npz") for name in data}
    paths["encoding"] = str(root / "encoding.json")
    save_dataset([paths[name] for name in data], paths["encoding"], data,
                 {"dataset": "planted", "task": task, "classes": list(classes),
                  "dtype": "float32"})
    return paths


def outputs(root: Path) -> Outputs:
    return Outputs(model=str(root / "model.pt"), history=str(root / "history.tsv"),
                   metrics=str(root / "metrics.json"), predictions=str(root / "predictions.tsv"),
                   curves=str(root / "plots/curves.png"), roc=str(root / "plots/roc.png"),
                   confusion=str(root / "plots/confusion.png"))


def test_train_and_evaluate_writes_outputs_and_model_round_trips(tmp_path):
    data = splits()
    paths = write_dataset(tmp_path, data)
    out = outputs(tmp_path / "deepbind")
    metrics = train_and_evaluate(**paths, model_name="deepbind", params={}, cfg=settings(),
                                 device=CPU, outputs=out, threads=1)
    assert metrics["auroc"] > 0.9
    assert json.loads(Path(out.metrics).read_text()) == metrics
    for key in ("accuracy", "auprc", "precision", "recall", "f1", "specificity", "n_parameters",
                "train_seconds", "seconds_per_epoch", "best_epoch", "device", "stop_reason",
                "still_improving", "stopped", "select_on"):
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
    paths = write_dataset(tmp_path, data)
    out = outputs(tmp_path / "cnn25")
    train_and_evaluate(**paths, model_name=model_name, params=params, cfg=cfg, device=CPU,
                       outputs=out, threads=1)
    model, info = load_model(out.model)
    assert info["hparams"]["pool1"] == 25
    assert predict(model, data["test"].x, "binary").shape == (len(data["test"].x), 1)


def test_multiclass_job(tmp_path):
    data = splits(multiclass=True)
    paths = write_dataset(tmp_path, data, "multiclass", ("absent", "present"))
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
    paths = write_dataset(tmp_path / "bad", bad, "multiclass", ("a", "b"))
    with pytest.raises(InputError, match="exactly one class"):
        train_and_evaluate(**paths, model_name="deepbind", params={}, cfg=settings(),
                           device=CPU, outputs=outputs(tmp_path / "bad"), threads=1)


def test_nan_loss_stops_with_error_and_no_model(tmp_path):
    data = splits()
    data["train"].x[3, 0, 5] = np.nan
    paths = write_dataset(tmp_path, data)
    out = outputs(tmp_path / "nan")
    with pytest.raises(InputError, match="NaN or infinite"):
        train_and_evaluate(**paths, model_name="deepbind", params={}, cfg=settings(),
                           device=CPU, outputs=out, threads=1)
    assert not (tmp_path / "nan").exists() or not any((tmp_path / "nan").rglob("*"))


def test_unknown_attribution_classes_stop_the_job_before_it_trains(tmp_path, caplog):
    paths = write_dataset(tmp_path, splits())
    out = outputs(tmp_path / "deepbind")
    with pytest.raises(InputError, match=r"class\(es\) \['CTCF'\] are not classes of this "
                       "dataset; nothing trained") as error:
        train_and_evaluate(**paths, model_name="deepbind", params={}, cfg=settings(),
                           device=CPU, outputs=out, threads=1, attribution_classes=["CTCF"])
    assert error.value.key == "attribution.classes" and "its classes: motif" in error.value.hint
    assert "epoch 1" not in caplog.text and not Path(out.model).exists()
