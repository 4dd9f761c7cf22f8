"""``model.pt``: a trained model with everything needed to rebuild and use it.

The file is a ``torch.save`` of a plain dict (tensors, strings, numbers, lists, dicts), so it
loads with ``weights_only=True``. Keys: format, state_dict, model (registry name), hparams,
n_outputs, length, classes, task, encoding (the dataset's encoding.json), training (resolved
training config), best_epoch, seconds, device, torch_version, motifnet_version; a
standardized regression model's ``target_scale`` (per-target mean and sd its outputs are
scaled back by).
"""

from __future__ import annotations

import os

import torch

from .. import __version__
from ..errors import InputError
from ..io import atomic_path
from ..models.base import MotifModel
from ..models.registry import build_model

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
