"""Position frequency matrices of a layer's filters: counts, trimming, the TomTom queries they
make, and their files (``pfms/<layer>.npz`` and ``filters.tsv``).

Imports no torch: the TomTom rule's environment reads ``filters.tsv`` without it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..io import atomic_path
from .meme import Motif, information_content

TABLE_COLUMNS = ["layer", "filter", "id", "nsites", "coverage", "ic_bits", "max_activation",
                 "flag", "query_start", "query_end"]


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
    sequences: np.ndarray | None = None  # (F,) sequences with a counted window; None: nsites

    def __post_init__(self) -> None:
        if self.sequences is None:
            self.sequences = self.nsites

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

    def query_windows(self, min_sites: int = 1, trim_ic: float | None = None,
                      pad: int = 3) -> list[tuple[int, int] | None]:
        """Per filter, the columns ``[start, end)`` that TomTom compares (flanks below
        ``trim_ic`` bits trimmed, see :func:`trim`), or None for no query: fewer than
        ``min_sites`` windows, or (with ``trim_ic``) no column above it, since a near-uniform PFM
        "matches" low-information database motifs."""
        windows: list[tuple[int, int] | None] = []
        for pfm, n in zip(self.pfms(), self.nsites):
            if n < min_sites or (trim_ic and not (information_content(pfm) > trim_ic).any()):
                windows.append(None)
            elif trim_ic:
                trimmed, start = trim(pfm, trim_ic, pad)
                windows.append((start, start + len(trimmed)))
            else:
                windows.append((0, self.width))
        return windows

    def table(self, min_sites: int = 1, trim_ic: float | None = None,
              pad: int = 3) -> pd.DataFrame:
        """``filters.tsv``: one row per filter with nsites (windows counted), coverage (fraction
        of sequences with a counted window), information (bits), max
        activation, a flag, and the query's columns in the PFM (``query_start``,
        ``query_end``; empty for no query, see :meth:`query_windows`)."""
        windows = self.query_windows(min_sites, trim_ic, pad)
        return pd.DataFrame(
            {
                "filter": np.arange(self.n_filters),
                "id": self.ids(),
                "nsites": self.nsites.astype(np.int64),
                "coverage": self.sequences / max(self.n_sequences, 1),
                "ic_bits": information_content(self.pfms()).sum(axis=-1),
                "max_activation": self.max_activation,
                "flag": np.where(self.nsites == 0, "never_fires", ""),
                "query_start": pd.array([w[0] if w else None for w in windows], dtype="Int64"),
                "query_end": pd.array([w[1] if w else None for w in windows], dtype="Int64"),
            }
        )

    def motifs(self, min_sites: int = 1, trim_ic: float | None = None, pad: int = 3) -> list[Motif]:
        """TomTom queries: each filter's :meth:`query_windows` columns, as a motif."""
        windows = self.query_windows(min_sites, trim_ic, pad)
        return [Motif(id=fid, name="", pfm=pfm[w[0]:w[1]], nsites=int(n))
                for fid, pfm, n, w in zip(self.ids(), self.pfms(), self.nsites, windows) if w]

    def save(self, path: str | os.PathLike) -> None:
        """Store as .npz (atomically)."""
        with atomic_path(path) as tmp, open(tmp, "wb") as handle:
            np.savez_compressed(
                handle,
                layer=self.layer,
                counts=self.counts,
                nsites=self.nsites,
                sequences=self.sequences,
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
                sequences=data.get("sequences"),
            )


def read_filter_table(path: str | os.PathLike) -> pd.DataFrame:
    """Read ``filters.tsv`` (:data:`TABLE_COLUMNS`; query columns as nullable integers)."""
    return pd.read_csv(path, sep="\t", dtype={"query_start": "Int64", "query_end": "Int64",
                                              "flag": str}, keep_default_na=False,
                       na_values={"query_start": [""], "query_end": [""]})
