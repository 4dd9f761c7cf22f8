"""Filter PFMs (Koo & Eddy 2019): align the input windows where each filter fires and count bases.

Per filter and sequence, the window behind the position of maximal activation is taken when that
activation passes the selection (``threshold``: above a fraction of the filter's maximum over all
sequences; ``top_n``: among the N strongest sequences). Windows cut by the sequence ends are
dropped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from ..errors import InputError
from ..io import atomic_path
from .meme import Motif, information_content

MODES = ("threshold", "top_n")
# Pairs (sequence, filter) counted per bincount call; bounds memory to ~ this x width x 8 bytes.
_CHUNK_PAIRS = 200_000


def trim(pfm: np.ndarray, min_ic: float = 0.5, pad: int = 3) -> tuple[np.ndarray, int]:
    """Drop flanks below ``min_ic`` bits, keeping ``pad`` columns each side.

    Koo & Eddy's ``clip_filters`` (their defaults: 0.5 bits, pad 3).

    Returns the trimmed PFM and the index of its first column in ``pfm``; a PFM with no column
    above ``min_ic`` is returned whole.
    """
    informative = np.flatnonzero(information_content(pfm) > min_ic)
    if informative.size == 0:
        return pfm, 0
    start = max(int(informative[0]) - pad, 0)
    end = min(int(informative[-1]) + pad + 1, len(pfm))
    return pfm[start:end], start


@dataclass
class FilterPFMs:
    """Base counts of the aligned windows of every filter of one layer."""

    layer: str
    counts: np.ndarray  # (F, W, 4) bases counted per window column
    nsites: np.ndarray  # (F,) windows counted
    max_activation: np.ndarray  # (F,) maximum activation over all sequences
    n_sequences: int
    mode: str

    @property
    def n_filters(self) -> int:
        return int(self.counts.shape[0])

    @property
    def width(self) -> int:
        return int(self.counts.shape[1])

    def ids(self) -> list[str]:
        """Motif ids of the filters, e.g. conv1_f007."""
        digits = max(3, len(str(self.n_filters - 1)))
        return [f"{self.layer}_f{i:0{digits}d}" for i in range(self.n_filters)]

    def pfms(self) -> np.ndarray:
        """(F, W, 4) probabilities; uniform where nothing was counted."""
        totals = self.counts.sum(axis=-1, keepdims=True)
        uniform = np.full_like(self.counts, 0.25, dtype=np.float64)
        return np.divide(self.counts, totals, out=uniform, where=totals > 0)

    def table(self) -> pd.DataFrame:
        """One row per filter: nsites, coverage, information (bits), max activation, flag."""
        return pd.DataFrame(
            {
                "filter": np.arange(self.n_filters),
                "id": self.ids(),
                "nsites": self.nsites.astype(np.int64),
                "coverage": self.nsites / max(self.n_sequences, 1),
                "ic_bits": information_content(self.pfms()).sum(axis=-1),
                "max_activation": self.max_activation,
                "flag": np.where(self.nsites == 0, "never_fires", ""),
            }
        )

    def motifs(self, min_sites: int = 1, trim_ic: float | None = None, pad: int = 3) -> list[Motif]:
        """TomTom queries: filters with >= ``min_sites`` windows; flanks trimmed if trim_ic > 0.

        With ``trim_ic``, a filter without any column above it is no query: a near-uniform PFM
        "matches" low-information database motifs under Euclidean TomTom scores.
        """
        out = []
        for fid, pfm, n in zip(self.ids(), self.pfms(), self.nsites):
            if n < min_sites:
                continue
            if trim_ic:
                if not (information_content(pfm) > trim_ic).any():
                    continue
                pfm, _ = trim(pfm, trim_ic, pad)
            out.append(Motif(id=fid, name="", pfm=pfm, nsites=int(n)))
        return out

    def save(self, path: str | os.PathLike) -> None:
        """Store as .npz (atomically)."""
        with atomic_path(path) as tmp, open(tmp, "wb") as handle:
            np.savez_compressed(
                handle,
                layer=self.layer,
                counts=self.counts,
                nsites=self.nsites,
                max_activation=self.max_activation,
                n_sequences=self.n_sequences,
                mode=self.mode,
            )

    @classmethod
    def load(cls, path: str | os.PathLike) -> FilterPFMs:
        with np.load(path) as data:
            return cls(
                layer=str(data["layer"]),
                counts=data["counts"],
                nsites=data["nsites"],
                max_activation=data["max_activation"],
                n_sequences=int(data["n_sequences"]),
                mode=str(data["mode"]),
            )


def extract_pfms(
    model: torch.nn.Module,
    x: np.ndarray,
    layer: str = "conv1",
    mode: str = "threshold",
    threshold: float = 0.7,
    top_n: int = 100,
    batch_size: int = 1024,
) -> FilterPFMs:
    """Filter PFMs of ``layer`` from one-hot sequences ``x`` (N, 4, L); see the module docstring."""
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
    width, offset = model.layer_window(layer)
    best, position = max_activations(model, x, layer, batch_size)
    start = position - offset
    complete = (start >= 0) & (start + width <= x.shape[-1])
    filter_max = best.max(axis=0)
    candidate = complete & (best > 0)
    if mode == "threshold":
        keep = candidate & (best > threshold * filter_max)
    else:
        keep = _top_n(np.where(candidate, best, -np.inf), top_n)
    counts = count_windows(base_codes(x), start, keep, width)
    return FilterPFMs(
        layer=layer,
        counts=counts,
        nsites=keep.sum(axis=0),
        max_activation=filter_max.astype(np.float64),
        n_sequences=int(x.shape[0]),
        mode=mode,
    )


def max_activations(
    model: torch.nn.Module, x: np.ndarray, layer: str, batch_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per sequence and filter: maximal activation (N, F) and its position (N, F), in eval mode."""
    device = next(model.parameters()).device
    was_training = model.training
    model.eval()
    values, positions = [], []
    try:
        with torch.inference_mode():
            for i in range(0, len(x), batch_size):
                batch = torch.as_tensor(x[i : i + batch_size], dtype=torch.float32, device=device)
                value, position = model.layer_activations(batch, layer).max(dim=-1)
                values.append(value.cpu().numpy())
                positions.append(position.cpu().numpy())
    finally:
        model.train(was_training)
    return np.concatenate(values), np.concatenate(positions)


def base_codes(x: np.ndarray) -> np.ndarray:
    """(N, L) base index 0-3 of one-hot columns; 4 for all-zero (N) columns."""
    return np.where(x.sum(axis=1) > 0, x.argmax(axis=1), 4).astype(np.uint8)


def count_windows(codes: np.ndarray, start: np.ndarray, keep: np.ndarray, width: int) -> np.ndarray:
    """(F, width, 4) base counts of the windows codes[n, start[n, f]:+width] where keep[n, f]."""
    n_filters = keep.shape[1]
    columns = np.arange(width)
    total = np.zeros(n_filters * width * 5, dtype=np.int64)
    seq, filt = np.nonzero(keep)
    for i in range(0, len(seq), _CHUNK_PAIRS):
        s, f = seq[i : i + _CHUNK_PAIRS], filt[i : i + _CHUNK_PAIRS]
        bases = codes[s[:, None], start[s, f][:, None] + columns]
        flat = ((f[:, None] * width + columns) * 5 + bases).ravel()
        total += np.bincount(flat, minlength=total.size)
    return total.reshape(n_filters, width, 5)[..., :4].astype(np.float64)


def _top_n(score: np.ndarray, top_n: int) -> np.ndarray:
    """Mask of the ``top_n`` largest finite scores per column of (N, F); ties go to lower rows."""
    keep = np.zeros(score.shape, dtype=bool)
    rows = np.argsort(-score, axis=0, kind="stable")[: min(top_n, score.shape[0])]
    keep[rows, np.arange(score.shape[1])] = True
    return keep & np.isfinite(score)
