"""GC content: of sequences, of genome windows, its histogram, and how far two distributions are
apart (the two-sample Kolmogorov-Smirnov statistic).

GC content is the fraction of G and C among the A, C, G and T of a sequence; N and other IUPAC
codes count for neither (a window of N only has no GC content: NaN).
"""

from __future__ import annotations

import numpy as np

HISTOGRAM_EDGES = np.linspace(0.0, 1.0, 51)  # 50 bins of 0.02, for encoding.json

_GC = np.zeros(256, dtype=np.uint8)
_GC[list(b"GCgc")] = 1
_ACGT = np.zeros(256, dtype=np.uint8)
_ACGT[list(b"ACGTacgt")] = 1


def base_codes(sequences: list[str]) -> np.ndarray:
    """Equal-length sequences as an (N, L) array of their ASCII codes."""
    if not sequences:
        return np.zeros((0, 0), dtype=np.uint8)
    return np.frombuffer("".join(sequences).encode("ascii"), dtype=np.uint8).reshape(
        len(sequences), -1)


def gc_counts(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(G + C, A + C + G + T) per row of an (N, L) array of ASCII codes."""
    return (_GC[codes].sum(axis=1, dtype=np.int64),
            _ACGT[codes].sum(axis=1, dtype=np.int64))


def fraction(gc: np.ndarray, acgt: np.ndarray) -> np.ndarray:
    """GC / ACGT, NaN where a row has no A, C, G or T."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(acgt > 0, gc / np.maximum(acgt, 1), np.nan)


def gc_fraction(sequences: list[str]) -> np.ndarray:
    """GC content of each of equal-length ``sequences``."""
    return fraction(*gc_counts(base_codes(sequences)))


def gc_fraction_onehot(x: np.ndarray) -> np.ndarray:
    """GC content of one-hot sequences (N, 4, L), channels A, C, G, T."""
    counts = x.sum(axis=2, dtype=np.int64)
    return fraction(counts[:, 1] + counts[:, 2], counts.sum(axis=1))


def histogram(values: np.ndarray, edges: np.ndarray = HISTOGRAM_EDGES) -> list[int]:
    """Counts of the non-NaN ``values`` in the bins of ``edges`` (the last bin closed)."""
    values = values[~np.isnan(values)]
    return np.histogram(values, bins=edges)[0].tolist()


def ks_statistic(a: np.ndarray, b: np.ndarray) -> float | None:
    """The two-sample Kolmogorov-Smirnov statistic of two samples (NaNs left out): the
    largest gap between their cumulative distributions; None where one is empty."""
    from scipy.stats import ks_2samp

    a, b = a[~np.isnan(a)], b[~np.isnan(b)]
    if not len(a) or not len(b):
        return None
    return float(ks_2samp(a, b).statistic)
