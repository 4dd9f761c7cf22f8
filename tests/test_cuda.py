"""The CUDA paths, on a machine with an NVIDIA GPU (tests/gpu/check.sh runs them; skipped
elsewhere): training on the GPU with and without float16 autocast, the checkpoint reloaded on
the CPU, data kept in pinned host memory when the GPU is short of it, GPU slots taken on the
real device ids, and CUDA_VISIBLE_DEVICES honoured."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import torch

from motifnet.train import loop
from motifnet.train.checkpoint import load_model
from motifnet.train.devices import acquire_device, lock_path
from motifnet.train.job import train_and_evaluate
from motifnet.train.loop import Trainer, fit, predict

from conftest import REPO
from planted import Tiny, settings, splits
from test_job import outputs, write_dataset

pytestmark = [
    pytest.mark.cuda,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device"),
]
GPU = torch.device("cuda", 0)


@pytest.mark.parametrize("amp", [False, True], ids=["float32", "float16"])
def test_a_training_job_on_the_gpu_reloads_on_the_cpu(tmp_path, amp):
    data = splits()
    paths = write_dataset(tmp_path, data)
    out = outputs(tmp_path / "deepbind")
    metrics = train_and_evaluate(**paths, model_name="deepbind", params={},
                                 cfg=settings(epochs=2, amp=amp), device=GPU, outputs=out,
                                 threads=1)
    assert metrics["device"] == "cuda:0" and metrics["epochs_run"] == 2
    assert np.isfinite(metrics["auroc"])
    model, info = load_model(out.model, "cpu")
    assert next(model.parameters()).device.type == "cpu" and info["device"] == "cuda:0"
    on_cpu = predict(model, data["test"].x, "binary")
    written = pd.read_csv(out.predictions, sep="\t")["p:motif"].to_numpy()
    np.testing.assert_allclose(on_cpu[:, 0], written, atol=1e-4)


def test_float16_autocast_uses_a_loss_scaler():
    data = splits()
    trainer = Trainer(Tiny().to(GPU), data["train"], data["val"], "binary",
                      settings(amp=True), GPU)
    assert trainer.amp == torch.float16 and trainer.scaler.is_enabled()
    assert trainer.x_train.device.type == "cuda"
    assert np.isfinite(trainer.train_epoch())


def test_data_stays_in_pinned_host_memory_when_the_gpu_is_short(monkeypatch):
    data = splits()
    monkeypatch.setattr(loop.torch.cuda, "mem_get_info", lambda device=None: (1024, 1 << 40))
    result = fit(Tiny(), data["train"], data["val"], "binary", settings(epochs=3), GPU)
    trainer = Trainer(Tiny(), data["train"], data["val"], "binary", settings(), GPU)
    assert trainer.x_train.device.type == "cpu" and trainer.x_train.is_pinned()
    assert max(row["val_auroc"] for row in result.history) > 0.8


def test_slots_are_taken_on_the_real_device_ids(tmp_path):
    ids = list(range(torch.cuda.device_count()))
    with acquire_device(ids, str(tmp_path), cpu_only=False, jobs_per_device=2) as first:
        with acquire_device(ids, str(tmp_path), cpu_only=False, jobs_per_device=2) as second:
            assert first.type == second.type == "cuda"
            held = sorted(p.name for p in tmp_path.rglob("*.lock"))
            expected = (["gpu0.0.lock", "gpu0.1.lock"] if len(ids) == 1
                        else ["gpu0.0.lock", "gpu1.0.lock"])
            assert held == expected
            assert lock_path(tmp_path, (0, 0)).read_text().strip() == str(os.getpid())


def test_cuda_visible_devices_is_honoured(tmp_path):
    """A job given the last GPU by CUDA_VISIBLE_DEVICES trains on cuda:0 and locks that
    GPU's physical id, whatever gpus.devices says."""
    last = torch.cuda.device_count() - 1
    code = (
        "import sys; from motifnet.train.devices import acquire_device\n"
        f"with acquire_device([0], {str(tmp_path)!r}, cpu_only=False) as device:\n"
        "    print(device)\n"
    )
    env = {**os.environ, "CUDA_VISIBLE_DEVICES": str(last),
           "PYTHONPATH": str(REPO / "scripts")}
    env = {k: v for k, v in env.items() if not k.startswith("SLURM_")}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, check=True)
    assert result.stdout.strip() == "cuda:0"
    assert [p.name for p in tmp_path.rglob("*.lock")] == [f"gpu{last}.0.lock"]
