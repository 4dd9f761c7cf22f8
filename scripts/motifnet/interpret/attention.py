"""The attention job: a trained model's attention weights over a split, per class.

One forward pass over the attribution splits gives every sequence's attention map (the
model's one attention pooling, shared by all outputs) and its logits. Per class it keeps: the
maps of the sequences the attribute job attributes for the class (the same seeded selection,
:func:`motifnet.interpret.attribution.select_targets`; a binary task's negative class, which
attribution may add, has no attention of its own), so that attention and attribution are
scored on the same sequences; the mean map over the class's positives and negatives (seed
004, Fig. 2B/3C; for a regression target its top quarter and the rest, as attribution takes
them: :func:`motifnet.interpret.attribution.chosen_rows`);
and the ``top_sequences`` sequences with the highest predicted logit for the class, the input
of the attention recipe (:mod:`.attention_motifs`). Positions map to input bases by
:mod:`motifnet.models.attention_windows`.
"""

from __future__ import annotations

import logging
import os
import time
from pathlib import Path

import numpy as np
import torch

from ..errors import InputError
from ..models.catalog import ARCHITECTURES, attention_models
from ..train.checkpoint import load_model
from ..train.devices import job_device
from .attention_maps import ClassAttention, class_path, write_summary
from .attribution import chosen_classes, chosen_rows, load_sequences, select_targets

log = logging.getLogger(__name__)


@torch.no_grad()
def model_attention(model: torch.nn.Module, x: np.ndarray, batch_size: int,
                    device: torch.device) -> tuple[np.ndarray, np.ndarray]:
    """Attention weights (N, P) and logits (N, K) of one-hot ``x`` (N, 4, L)."""
    weights, logits = [], []
    for start in range(0, len(x), batch_size):
        batch = torch.as_tensor(x[start:start + batch_size], dtype=torch.float32, device=device)
        weights.append(model.attention_weights(batch).float().cpu().numpy())
        logits.append(model(batch).float().cpu().numpy())
    return np.concatenate(weights), np.concatenate(logits)


def _mean(weights: np.ndarray) -> np.ndarray:
    return weights.mean(axis=0) if len(weights) else np.full(weights.shape[1], np.nan)


def class_attention(name: str, k: int, weights: np.ndarray, logits: np.ndarray,
                    y: np.ndarray, positives: np.ndarray, x: np.ndarray, ids: np.ndarray,
                    attributed: np.ndarray, top_sequences: int) -> ClassAttention:
    """The attention maps of class ``name`` (column ``k``) over a split: ``positives`` (N,)
    the sequences attribution counts for it, ``attributed`` the rows it takes."""
    positive = positives
    top = np.argsort(-logits[:, k], kind="stable")[:top_sequences]
    return ClassAttention(
        class_name=name, ids=ids[attributed], weights=weights[attributed],
        mean_positive=_mean(weights[positive]), mean_negative=_mean(weights[~positive]),
        n_positive=int(positive.sum()), n_negative=int((~positive).sum()),
        top_ids=ids[top], top_logits=logits[top, k], top_labels=y[top, k].astype(np.float32),
        top_x=x[top], top_weights=weights[top])


def attention_model(model_path: str | os.PathLike, sequences: dict[str, str | os.PathLike],
                    settings: dict, selection: dict, out_dir: str | os.PathLike, *,
                    gpus: dict, holds_gpu: bool, batch_size: int = 256,
                    threads: int = 1) -> dict:
    """Attention maps of a trained model over the ``sequences`` splits (name -> ``.npz``), per
    class: one ``{class}.npz`` per class and ``attention.json`` in ``out_dir``. ``settings``:
    the config's ``motifs.attention``; ``selection``: the config's ``attribution`` (classes,
    max_sequences, seed: which sequences are attributed)."""
    torch.set_num_threads(threads)
    model, meta = load_model(model_path)
    geometry = ARCHITECTURES[meta["model"]].attention_geometry(meta["hparams"], meta["length"])
    if geometry is None:
        raise InputError(f"model '{meta['model']}' has no attention pooling",
                         path=model_path, key="motifs.method",
                         hint=f"models with one: {', '.join(attention_models())}")
    classes = list(meta["classes"])
    columns = chosen_classes(classes, list(selection["classes"]))
    data, split = load_sequences(sequences)
    positives = chosen_rows(data.y, meta["task"])
    targets = select_targets(positives, split, classes, columns, None,
                             selection["max_sequences"], selection["seed"])
    start = time.perf_counter()
    with job_device(gpus, holds_gpu, meta["training"].get("device", "auto")) as device:
        weights, logits = model_attention(model, data.x, batch_size, device)
    if weights.shape[1] != geometry.positions:
        raise RuntimeError(f"model '{meta['model']}' gave {weights.shape[1]} attention "
                           f"positions, its declared geometry {geometry.positions}")
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    for target in targets:
        class_attention(target.name, target.column, weights, logits, data.y,
                        positives[:, target.column], data.x, data.ids, target.rows,
                        settings["top_sequences"]).save(class_path(out_dir, target.name))
    summary = {"model": meta["model"], "task": meta["task"], "geometry": geometry.as_dict(),
               "classes": [target.name for target in targets], "splits": list(sequences),
               "n_sequences": len(data.y), "shared_by_outputs": True,
               "seconds": round(time.perf_counter() - start, 3), "device": str(device),
               "settings": dict(settings)}
    write_summary(out_dir, summary)
    log.info("attention of %d sequences, %d positions (windows of %d nt, stride %d), "
             "%d classes", len(data.y), geometry.positions, geometry.window.width,
             geometry.window.stride, len(targets))
    return summary
