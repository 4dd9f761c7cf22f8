"""TomTom (Gupta et al., Genome Biology 2007) in NumPy and numba, as MEME 5.5's ``tomtom`` does.

For one query against a database (targets on both strands):

1. *Column scores*: every query column against every target column (Pearson correlation of the
   two columns' probabilities, or minus their Euclidean distance), after MEME's motif pseudocount
   (0.1 x background, weighted against the motif's nsites, MEME's 20 where unknown).
2. *Complete scores*: each query row is shifted by its median over all target columns, so an
   unaligned query column scores 0 (MEME's default ``complete_scores`` mode).
3. *Binning*: the whole matrix is scaled to integers in [0, 100] (offset ``floor(min)``, scale
   ``floor(100 / (max - offset))``), as MEME's ``scale_score_matrix``.
4. *Null*: for each run of query columns [a, b], the distribution of the summed scaled scores
   when each query column meets a target column drawn uniformly from all target columns,
   built by dynamic programming (convolution of per-column histograms).
5. *Best alignment*: per target and strand, the offset with the highest complete score among
   those overlapping at least ``min(min_overlap, query width, target width)`` columns.
6. *p-value*: the probability that the best of all ``2 x (Wq + Wt - 1)`` alignments with a
   random target of the same width scores at least as high (the distribution of a maximum of
   independent alignment scores, per target width); E = p x number of targets.

Column scores and medians are NumPy; the binning and both dynamic programs are numba functions
compiled with ``cache=True`` (cached under ``NUMBA_CACHE_DIR``, like memelite's).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numba
import numpy as np

from .meme import DEFAULT_NSITES

BINS = 100
PSEUDOCOUNT = 0.1


def with_pseudocount(pfm: np.ndarray, nsites: float | None, pseudocount: float = PSEUDOCOUNT):
    """MEME's motif pseudocount: (p * sites + pseudocount / 4) / (sites + pseudocount)."""
    sites = nsites if nsites and nsites > 0 else DEFAULT_NSITES
    return (np.asarray(pfm, dtype=np.float64) * sites + pseudocount * 0.25) / (sites + pseudocount)


def reverse_complement(pfm: np.ndarray) -> np.ndarray:
    """The reverse complement of a (W, 4) A, C, G, T matrix."""
    return np.ascontiguousarray(pfm[::-1, ::-1])


class TargetSet:
    """Database motifs on both strands, stacked once for all queries (pseudocount applied)."""

    def __init__(self, pfms: Sequence[np.ndarray], nsites: Sequence[float | None]):
        forward = [with_pseudocount(p, n) for p, n in zip(pfms, nsites)]
        stranded = [m for p in forward for m in (p, reverse_complement(p))]  # +, - per target
        self.widths = np.repeat([len(p) for p in forward], 2).astype(np.int64)
        self.starts = np.concatenate([[0], np.cumsum(self.widths)[:-1]]).astype(np.int64)
        self.columns = np.ascontiguousarray(np.concatenate(stranded), dtype=np.float64)
        self.unit_centered = _unit_centered(self.columns)
        self.squared_norms = (self.columns * self.columns).sum(1)


def compare(
    query: np.ndarray, targets: TargetSet, dist: str = "pearson", min_overlap: int = 5
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One query (W, 4, pseudocount applied) against every target, by a distance of
    :data:`~.engines.DISTANCES` (checked by the caller, :func:`.tomtom.run_tomtom`).

    Returns per target (its better strand): p-value, offset, overlap, strand (0 '+', 1 '-').
    """
    query = np.ascontiguousarray(query, dtype=np.float64)
    scores = _column_scores(query, targets, dist == "pearson")
    offset, scale = _median_shift_and_scale(scores)
    scaled, histograms = _bin(scores, offset, scale)
    survival, correction = _range_survivals(histograms, len(query))
    p, best_offset, overlap = _best_alignment_pvalues(
        scaled, targets.starts, targets.widths, min_overlap, offset, scale, survival, correction
    )
    # MEME keeps p-values as 32-bit floats; then per target the better strand: the lower
    # p-value, then the larger overlap, then '+'.
    p = p.astype(np.float32).astype(np.float64).reshape(-1, 2)
    overlap = overlap.reshape(-1, 2)
    minus = (p[:, 1] < p[:, 0]) | ((p[:, 1] == p[:, 0]) & (overlap[:, 1] > overlap[:, 0]))
    strand = minus.astype(np.int64)
    rows = np.arange(len(p))
    return p[rows, strand], best_offset.reshape(-1, 2)[rows, strand], overlap[rows, strand], strand


def _column_scores(query: np.ndarray, targets: TargetSet, pearson: bool) -> np.ndarray:
    """(Wq, T) Pearson correlation, or minus the Euclidean distance, of every column pair."""
    if pearson:  # a column with no variance correlates 0 with everything, as in MEME
        return _unit_centered(query) @ targets.unit_centered.T
    squared = (query * query).sum(1)[:, None] + targets.squared_norms[None, :]
    return -np.sqrt(np.maximum(squared - 2.0 * query @ targets.columns.T, 0.0))


def _median_shift_and_scale(scores: np.ndarray) -> tuple[float, float]:
    """Shift rows (in place) by MEME's median; MEME's binning offset and scale of the result.

    MEME's median is the mean of the sorted values at floor(n/2) - 1 and ceil(n/2) - 1; the
    offset is the floor of the minimum and the scale floor(BINS / (max - offset)).
    """
    n = scores.shape[1]
    lo = max(n // 2 - 1, 0)
    hi = max((n + 1) // 2 - 1, lo)
    part = np.partition(scores, lo if lo == hi else (lo, hi), axis=1)
    scores -= ((part[:, lo] + part[:, hi]) / 2.0)[:, None]
    small, large = float(scores.min()), float(scores.max())
    if large == small:
        small = large - 1.0
    offset = math.floor(small)
    return float(offset), float(math.floor(BINS / (large - offset)))


@numba.njit(cache=True, nogil=True)
def _bin(scores, offset, scale):
    """Scores as integers in [0, BINS] (MEME's nint), and per query column their histogram
    over the target columns as fractions."""
    width, n = scores.shape
    scaled = np.empty((width, n), dtype=np.int64)
    hist = np.zeros((width, BINS + 1))
    for i in range(width):
        for t in range(n):
            value = int(math.floor((scores[i, t] - offset) * scale + 0.5))
            scaled[i, t] = value
            hist[i, value] += 1.0
    return scaled, hist / n


def _unit_centered(columns: np.ndarray) -> np.ndarray:
    centered = columns - 0.25
    norm = np.sqrt((centered * centered).sum(1, keepdims=True))
    return np.divide(centered, norm, out=np.zeros_like(centered), where=norm > 0)


@numba.njit(cache=True, nogil=True)
def _range_survivals(hist, width):
    """For every run of query columns [a, b]: P(summed scaled score >= k) under the null.

    survival[a, b] has width * BINS + 2 entries (the last is 0); correction[a, b] is the
    number of scaled units the run's (width - overlap) unaligned columns shift its scores by.
    """
    size = width * BINS + 1
    survival = np.zeros((width, width, size + 1))
    current = np.zeros(size)
    nxt = np.zeros(size)
    for start in range(width - 1, -1, -1):
        current[:] = 0.0
        current[0] = 1.0
        top = 0
        for end in range(start, width):
            nxt[: top + BINS + 1] = 0.0
            for s in range(BINS + 1):
                weight = hist[end, s]
                if weight == 0.0:
                    continue
                for k in range(top + 1):
                    nxt[k + s] += current[k] * weight
            top += BINS
            current, nxt = nxt, current
            acc = 0.0
            for k in range(top, -1, -1):
                acc += current[k]
                survival[start, end, k] = min(acc, 1.0)
    return survival, size


@numba.njit(cache=True, nogil=True)
def _best_alignment_pvalues(scaled, starts, widths, min_overlap, offset, scale, survival, size):
    """Per stranded target: p-value of its best complete score, that alignment's offset, overlap.

    The best alignment has the highest complete score (ties: the larger overlap, then the
    first offset) among those with the minimum overlap. Its p-value is that of the maximum
    of the 2 x (Wq + Wt - 1) alignments of a random target of the same width:
    1 - prod_i (1 - S_i)^2, with S_i the null survival of alignment i at that score.
    """
    qlen = scaled.shape[0]
    n = len(starts)
    pvalues = np.empty(n)
    best_offset = np.empty(n, dtype=np.int64)
    best_overlap = np.empty(n, dtype=np.int64)
    shift = offset * scale
    for t in range(n):
        tlen = widths[t]
        mo = min(min_overlap, qlen, tlen)
        lo, hi = (mo, qlen + tlen - mo) if min_overlap > 1 else (1, qlen + tlen - 1)
        top = -1e300
        top_offset = 0
        top_overlap = -1
        for config in range(lo, hi + 1):
            if config <= qlen:
                tcol, qcol = 0, qlen - config
            else:
                qcol, tcol = 0, config - qlen
            total = 0.0
            overlap = 0
            while qcol < qlen and tcol < tlen:
                total += scaled[qcol, starts[t] + tcol]
                qcol += 1
                tcol += 1
                overlap += 1
            score = np.rint(total + overlap * shift)
            if score > top or (score == top and overlap > top_overlap):
                top = score
                top_offset = config - qlen
                top_overlap = overlap
        # The complete score in the units of the null: unaligned columns add -shift each.
        index = int(np.rint(top - qlen * shift))
        log_cdf = 0.0
        for i in range(qlen + tlen - 1):
            if i < qlen:
                a = qlen - i - 1
                b = min(qlen, a + tlen) - 1
            else:
                a = 0
                b = min(qlen, tlen + qlen - i - 1) - 1
            k = index + int(np.rint(shift * (qlen - 1 - (b - a))))
            s = 1.0 if k <= 0 else (survival[a, b, k] if k < size else 0.0)
            log_cdf += 2.0 * math.log1p(-s) if s < 1.0 else -math.inf
        pvalues[t] = -math.expm1(log_cdf)
        best_offset[t] = top_offset
        best_overlap[t] = top_overlap
    return pvalues, best_offset, best_overlap
