"""Filter PFMs (Koo & Eddy 2019): align the input windows where each filter fires and count bases.

Per filter and sequence, the window behind the position of maximal activation is taken when that
activation passes the selection (``threshold``: above a fraction of the filter's maximum over all
sequences, as the paper's Methods describe it; ``top_n``: among the N strongest sequences).
Windows cut by the sequence ends are dropped. ``weighted_sites`` is the alignment of Koo & Eddy's
published code (deepomics ``activation_pwm``), which made their tables: every position above the
fraction of the filter's maximum adds its window weighted by its activation, and window columns
beyond the sequence ends add nothing. An unknown base in a window counts as nothing, or as 0.25 of
each base where the dataset encodes unknown bases as uniform columns (``encoding.unknown``).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from ..data.encoded import load_split
from ..errors import InputError
from ..io import write_tsv
from ..train.checkpoint import load_model
from .meme import write_meme
from .pfm import TABLE_COLUMNS, FilterPFMs

log = logging.getLogger(__name__)

MODES = ("threshold", "top_n", "weighted_sites")
# Pairs (sequence, filter) counted per bincount call; bounds memory to ~ this x width x 8 bytes.
_CHUNK_PAIRS = 200_000
# Sequences per weighted_sites step; its windows take ~ this x 16 x length x width bytes.
_SITES_BATCH = 128


def extract_pfms(
    model: torch.nn.Module,
    x: np.ndarray,
    layer: str = "conv1",
    mode: str = "threshold",
    threshold: float = 0.7,
    top_n: int = 100,
    batch_size: int = 1024,
    unknown: str = "zero",
) -> FilterPFMs:
    """Filter PFMs of ``layer`` from one-hot sequences ``x`` (N, 4, L); see the module docstring.
    ``unknown``: how the dataset encodes unknown bases (a uniform one counts 0.25 per base)."""
    available = model.interpretable_layers()
    if layer not in available:
        raise InputError(
            f"model has no convolution layer '{layer}' whose positions map to the input; "
            f"available: {available}",
            key="motifs.layers",
        )
    if mode not in MODES:
        raise InputError(f"unknown PFM mode '{mode}'; valid: {list(MODES)}", key="motifs.mode")
    if x.ndim != 3 or x.shape[1] != 4:
        raise ValueError(f"x must have shape (N, 4, L), got {x.shape}")
    if len(x) == 0:
        raise InputError("no sequences to align filter windows on", key="motifs.split")
    best, position = max_activations(model, x, layer, batch_size)
    filter_max = best.max(axis=0)
    if mode == "weighted_sites":
        counts, nsites, sequences = weighted_site_counts(model, x, layer, threshold * filter_max)
        return FilterPFMs(layer=layer, counts=counts, nsites=nsites,
                          max_activation=filter_max.astype(np.float64),
                          n_sequences=int(x.shape[0]), mode=mode, sequences=sequences)
    width, offset = model.layer_window(layer)
    start = position - offset
    complete = (start >= 0) & (start + width <= x.shape[-1])
    candidate = complete & (best > 0)
    if mode == "threshold":
        keep = candidate & (best > threshold * filter_max)
    else:
        keep = _top_n(np.where(candidate, best, -np.inf), top_n)
    counts = count_windows(base_codes(x), start, keep, width, unknown)
    return FilterPFMs(
        layer=layer,
        counts=counts,
        nsites=keep.sum(axis=0),
        max_activation=filter_max.astype(np.float64),
        n_sequences=int(x.shape[0]),
        mode=mode,
    )


def activation_batches(model: torch.nn.Module, x: np.ndarray, layer: str,
                       batch_size: int) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """(inputs (B, 4, L), activations of ``layer`` (B, F, P)) per batch of ``x``, in eval mode
    without autograd; the model's training mode is restored afterwards."""
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    try:
        with torch.inference_mode():
            for i in range(0, len(x), batch_size):
                batch = torch.as_tensor(x[i : i + batch_size], dtype=torch.float32, device=device)
                yield batch, model.layer_activations(batch, layer)
    finally:
        model.train(was_training)


def max_activations(
    model: torch.nn.Module, x: np.ndarray, layer: str, batch_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per sequence and filter: maximal activation (N, F) and its position (N, F), in eval mode."""
    values, positions = [], []
    for _, activation in activation_batches(model, x, layer, batch_size):
        value, position = activation.max(dim=-1)
        values.append(value.cpu().numpy())
        positions.append(position.cpu().numpy())
    return np.concatenate(values), np.concatenate(positions)


def weighted_site_counts(model: torch.nn.Module, x: np.ndarray, layer: str,
                         floor: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Koo & Eddy's published alignment: every position whose activation exceeds its filter's
    ``floor`` (F,) adds the window under it, weighted by the activation; columns beyond the
    sequence ends add nothing (an unknown base adds what its one-hot column holds).

    Returns (F, width, 4) weighted base counts, (F,) sites and (F,) sequences with a site.
    """
    width, offset = model.layer_window(layer)
    device = next(model.parameters()).device
    floor_t = torch.as_tensor(floor, dtype=torch.float32, device=device)[None, :, None]
    counts = torch.zeros((len(floor), width, 4), dtype=torch.float64, device=device)
    sites = torch.zeros(len(floor), dtype=torch.int64, device=device)
    sequences = torch.zeros(len(floor), dtype=torch.int64, device=device)
    for batch, activation in activation_batches(model, x, layer, _SITES_BATCH):
        above = activation > floor_t
        weight = torch.where(above, activation, 0.0)
        # Padded so that the window of position p starts at padded column p.
        windows = F.pad(batch, (offset, width)).unfold(2, width, 1)[:, :, : activation.shape[-1]]
        counts += torch.einsum("bfp,bcpw->fwc", weight, windows).double()
        sites += above.sum(dim=(0, 2))
        sequences += above.any(dim=2).sum(dim=0)
    return counts.cpu().numpy(), sites.cpu().numpy(), sequences.cpu().numpy()


def base_codes(x: np.ndarray) -> np.ndarray:
    """(N, L) base index 0-3 of one-hot columns; 4 for unknown bases (all-zero or uniform
    columns)."""
    return np.where(x.max(axis=1) == 1, x.argmax(axis=1), 4).astype(np.uint8)


def count_windows(codes: np.ndarray, start: np.ndarray, keep: np.ndarray, width: int,
                  unknown: str = "zero") -> np.ndarray:
    """(F, width, 4) base counts of the windows codes[n, start[n, f]:+width] where keep[n, f];
    an unknown base counts as nothing, or (``unknown="uniform"``) as 0.25 of each base."""
    n_filters = keep.shape[1]
    columns = np.arange(width)
    total = np.zeros(n_filters * width * 5, dtype=np.int64)
    seq, filt = np.nonzero(keep)
    for i in range(0, len(seq), _CHUNK_PAIRS):
        s, f = seq[i : i + _CHUNK_PAIRS], filt[i : i + _CHUNK_PAIRS]
        bases = codes[s[:, None], start[s, f][:, None] + columns]
        flat = ((f[:, None] * width + columns) * 5 + bases).ravel()
        total += np.bincount(flat, minlength=total.size)
    counts = total.reshape(n_filters, width, 5).astype(np.float64)
    if unknown == "uniform":
        return counts[..., :4] + 0.25 * counts[..., 4:]
    return counts[..., :4]


def _top_n(score: np.ndarray, top_n: int) -> np.ndarray:
    """Mask of the ``top_n`` largest finite scores per column of (N, F); ties go to lower rows."""
    keep = np.zeros(score.shape, dtype=bool)
    rows = np.argsort(-score, axis=0, kind="stable")[: min(top_n, score.shape[0])]
    keep[rows, np.arange(score.shape[1])] = True
    return keep & np.isfinite(score)


@dataclass
class FilterOutputs:
    """The files of PFM extraction: ``pfms/`` (one ``<layer>.npz`` each), ``filters.tsv`` and
    ``filters.meme`` (the TomTom queries)."""

    pfms: str
    table: str
    meme: str


def extract_filter_motifs(model_path: str | os.PathLike, sequences: str | os.PathLike,
                          layers: list[str], settings: dict, outputs: FilterOutputs,
                          threads: int = 1) -> None:
    """PFMs of a trained model's filters in ``layers`` from a split's sequences (the config's
    ``motifs`` ``settings``), written to ``outputs``.

    The config check keeps layers a model lacks out of ``layers``; for a checkpoint the config
    did not declare, such layers are skipped here, with a warning, and a model without any (no
    convolution at its input, e.g. a GRU) gets empty outputs.
    """
    torch.set_num_threads(threads)
    model, meta = load_model(model_path)
    available = model.interpretable_layers()
    missing = [layer for layer in layers if layer not in available]
    if missing:
        log.warning("model '%s' has no motif layer %s (it has %s): skipped", meta["model"],
                    missing, available or "none")
        layers = [layer for layer in layers if layer in available]
    x = load_split(sequences).x[: settings["max_sequences"]].astype("float32", copy=False)
    tables, queries = [], []
    Path(outputs.pfms).mkdir(parents=True, exist_ok=True)
    for layer in layers:
        pfms = extract_pfms(model, x, layer, mode=settings["mode"],
                            threshold=settings["threshold"], top_n=settings["top_n"],
                            unknown=meta["encoding"].get("unknown", "zero"))
        pfms.save(Path(outputs.pfms) / f"{layer}.npz")
        table = pfms.table(min_sites=1, trim_ic=settings["trim_ic"])
        tables.append(table.assign(layer=layer)[TABLE_COLUMNS])
        queries += pfms.motifs(min_sites=1, trim_ic=settings["trim_ic"])
        log.info("%s: %d filters, %d never fire, %d sequences", layer, len(table),
                 table["flag"].eq("never_fires").sum(), len(x))
    write_tsv(outputs.table,
              pd.concat(tables) if tables else pd.DataFrame(columns=TABLE_COLUMNS))
    write_meme(outputs.meme, queries)


