"""``model.pt``: a trained model with everything needed to rebuild and use it; and the
per-epoch state a killed training job resumes from (``model.pt.resume``).

The file is a ``torch.save`` of a plain dict (tensors, strings, numbers, lists, dicts), so it
loads with ``weights_only=True``. Keys: format, state_dict, model (registry name), hparams,
n_outputs, length, classes, task, encoding (the dataset's encoding.json), training (resolved
training config), best_epoch, seconds, device, torch_version, motifnet_version; a
standardized regression model's ``target_scale`` (per-target mean and sd its outputs are
scaled back by).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import torch

from .. import __version__
from ..errors import InputError
from ..io import atomic_path
from ..models.base import MotifModel
from ..models.registry import build_model

log = logging.getLogger(__name__)

FORMAT = 1


def save_checkpoint(path: str | os.PathLike, model: MotifModel, *, model_name: str,
                    encoding: dict, training: dict, best_epoch: int, seconds: float,
                    device: str, target_scale: dict | None = None) -> None:
    """Write ``model.pt`` atomically; the weights are stored on the CPU."""
    state = {k: v.detach().cpu() for k, v in model.state_dict().items()}
    payload = {
        "format": FORMAT,
        "state_dict": state,
        "model": model_name,
        "hparams": dict(model.hparams),
        "n_outputs": int(model.n_outputs),
        "length": int(model.length),
        "classes": list(encoding["classes"]),
        "task": encoding["task"],
        "encoding": encoding,
        "training": dict(training),
        "best_epoch": int(best_epoch),
        "seconds": float(seconds),
        "device": device,
        "torch_version": str(torch.__version__),
        "motifnet_version": __version__,
    }
    if target_scale is not None:
        payload["target_scale"] = target_scale
    with atomic_path(path) as tmp:
        torch.save(payload, tmp)


def load_model(path: str | os.PathLike,
               device: str | torch.device = "cpu") -> tuple[MotifModel, dict]:
    """The trained model (in eval mode, on ``device``) and the checkpoint's other entries.

    >>> model, info = load_model("results/synthetic/cnn25/model.pt")
    >>> info["classes"], info["task"], info["hparams"]
    """
    try:
        payload = torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise InputError("model file not found", path=path,
                         hint="train it first (snakemake rule train)") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise InputError(f"not a motifnet model file (format {FORMAT})", path=path,
                         hint="retrain the model with this version of motifnet")
    model = build_model(payload["model"], payload["n_outputs"], payload["length"],
                        payload["hparams"])
    model.load_state_dict(payload.pop("state_dict"))
    model.to(device).eval()
    return model, payload


def resume_path(model_path: str | os.PathLike) -> Path:
    """Where the training job of ``model.pt`` keeps its per-epoch state: beside it."""
    return Path(f"{model_path}.resume")


@dataclass
class Resume:
    """A training job's per-epoch state file (``model.pt.resume``): the loop's
    :meth:`~.loop.Trainer.state_dict` and progress after the last completed epoch, written
    atomically, loaded only when ``fingerprint`` (model, settings, data) is unchanged, and
    removed when the job has written its outputs."""

    path: Path
    fingerprint: dict

    def load(self) -> dict | None:
        """The saved state, or None (none saved, or saved for other settings or data)."""
        if not self.path.exists():
            return None
        try:
            state = torch.load(self.path, map_location="cpu", weights_only=True)
        except Exception as error:  # noqa: BLE001 (any unreadable state: train from the start)
            log.warning("%s is unreadable (%s): training starts from epoch 1", self.path, error)
            return None
        if state.get("fingerprint") != self.fingerprint:
            log.info("%s was saved for other settings or data: training starts from epoch 1",
                     self.path)
            return None
        return state

    def save(self, state: dict) -> None:
        with atomic_path(self.path) as tmp:
            torch.save({**state, "fingerprint": self.fingerprint}, tmp)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


def data_fingerprint(*paths: str | os.PathLike) -> list[list]:
    """Name, size and modification time of each input file: a re-encoded dataset differs."""
    return [[Path(p).name, os.stat(p).st_size, os.stat(p).st_mtime_ns] for p in paths]
