"""DeepSEA-style multi-label bins from the peaks of several TFs (Koo & Eddy's in vivo dataset).

The genome (or the union of the peaks widened by ``flank``) is cut into non-overlapping bins of
``bin_size`` with ``bedtools makewindows``; a bin is labelled 1 for a TF when at least half of
it lies in one of that TF's peaks (its peaks merged first; ``bedtools intersect -f 0.5 -u``).
Bins with at least one label are kept, plus ``zero_bins`` x as many all-zero bins drawn at
random; each becomes a window of the dataset's length centred on the bin. Bins in the
blacklist, shorter than ``bin_size`` (at a region's end), or whose window would leave the
chromosome are left out and counted.

For a regression on the peaks' signal the label of a bin is a value instead of 1: the highest
signalValue among the TF's peaks overlapping it (:func:`signal_values`); 0 where it has none.
"""

from __future__ import annotations

import logging
import os

import numpy as np
import pandas as pd
import pybedtools

from .negatives import bedtool

log = logging.getLogger(__name__)


def _read(tool) -> pd.DataFrame:
    """The ``chrom, start, end`` of a BedTool's file."""
    if os.path.getsize(tool.fn) == 0:
        return pd.DataFrame({"chrom": pd.Series(dtype=str), "start": pd.Series(dtype=np.int64),
                             "end": pd.Series(dtype=np.int64)})
    return pd.read_csv(tool.fn, sep="\t", header=None, usecols=[0, 1, 2],
                       names=["chrom", "start", "end"], dtype={"chrom": str})


def make_bins(fai: str | os.PathLike, peaks: pd.DataFrame, *, bin_size: int, region: str,
              flank: int, blacklist: pd.DataFrame | None):
    """The bins (a BedTool) of the genome or of the merged peaks +/- ``flank``, full-size and
    outside the blacklist; and how many were left out."""
    if region == "genome":
        bins = pybedtools.BedTool().window_maker(g=str(fai), w=bin_size)
    else:
        covered = bedtool(peaks).slop(g=str(fai), b=flank).sort().merge()
        bins = pybedtools.BedTool().window_maker(b=covered, w=bin_size)
    frame = _read(bins)
    full = (frame["end"] - frame["start"]) == bin_size
    left_out = {"short": int((~full).sum())}
    bins = bedtool(frame[full])
    if blacklist is not None and len(blacklist):
        before = int(full.sum())
        bins = bins.intersect(bedtool(blacklist), v=True)
        left_out["blacklist"] = before - len(_read(bins))
    return bins, left_out


def label_bins(bins, peaks: pd.DataFrame, classes: list[str]) -> tuple[pd.DataFrame, np.ndarray]:
    """The bins and their (N, K) labels: 1 where half of the bin lies in one of the TF's
    merged peaks."""
    frame = _read(bins).reset_index(drop=True)
    key = frame["chrom"] + ":" + frame["start"].astype(str)
    y = np.zeros((len(frame), len(classes)), dtype=np.uint8)
    for k, tf in enumerate(classes):
        own = peaks[peaks["tf"] == tf]
        merged = bedtool(own).sort().merge()
        hit = _read(bins.intersect(merged, f=0.5, u=True))
        y[key.isin(hit["chrom"] + ":" + hit["start"].astype(str)).to_numpy(), k] = 1
    return frame, y


def signal_values(bins: pd.DataFrame, y: np.ndarray, peaks: pd.DataFrame,
                  classes: list[str]) -> np.ndarray:
    """(N, K) float targets of labelled ``bins`` (``y`` 0/1): the highest signal of the TF's
    peaks overlapping each bin labelled 1, else 0."""
    values = np.zeros(y.shape, dtype=np.float32)
    key = bins["chrom"] + ":" + bins["start"].astype(str)
    for k, tf in enumerate(classes):
        own = peaks[peaks["tf"] == tf]
        hit = bedtool(bins).intersect(pybedtools.BedTool.from_dataframe(
            own[["chrom", "start", "end", "signal"]].assign(start=own["start"].clip(lower=0))),
            wa=True, wb=True)
        if os.path.getsize(hit.fn) == 0:
            continue
        pairs = pd.read_csv(hit.fn, sep="\t", header=None, usecols=[0, 1, 6],
                            names=["chrom", "start", "signal"], dtype={"chrom": str})
        best = pairs.groupby(pairs["chrom"] + ":" + pairs["start"].astype(str))["signal"].max()
        values[:, k] = np.where(y[:, k] == 1, key.map(best).fillna(0).to_numpy(), 0)
    return values


def binned_windows(fai: str | os.PathLike, sizes: dict[str, int], peaks: pd.DataFrame,
                   classes: list[str], blacklist: pd.DataFrame | None, *, length: int,
                   bin_size: int, region: str, flank: int, zero_bins: float,
                   seed: int, signal: bool = False) -> tuple[pd.DataFrame, np.ndarray, dict]:
    """Windows of ``length`` centred on the kept bins (``id chrom start end strand`` plus
    ``bin_start``/``bin_end``), their labels (with ``signal``: their signal values), and
    counts for the record."""
    bins, left_out = make_bins(fai, peaks, bin_size=bin_size, region=region, flank=flank,
                               blacklist=blacklist)
    frame, presence = label_bins(bins, peaks, classes)
    y = signal_values(frame, presence, peaks, classes) if signal else presence
    pybedtools.cleanup()
    labelled = presence.any(axis=1)
    zero = np.flatnonzero(~labelled)
    wanted = int(round(zero_bins * labelled.sum()))
    rng = np.random.default_rng(seed)
    extra = np.sort(rng.choice(zero, size=min(wanted, len(zero)), replace=False))
    if wanted > len(zero):
        log.warning("asked for %d all-zero bins, the genome has %d", wanted, len(zero))
    keep = np.sort(np.concatenate([np.flatnonzero(labelled), extra]))
    frame, y = frame.iloc[keep].reset_index(drop=True), y[keep]
    centre = frame["start"].to_numpy(np.int64) + bin_size // 2
    windows = pd.DataFrame({
        "id": frame["chrom"] + ":" + frame["start"].astype(str) + "-" + frame["end"].astype(str),
        "chrom": frame["chrom"], "start": centre - length // 2,
        "end": centre - length // 2 + length, "strand": ".",
        "bin_start": frame["start"], "bin_end": frame["end"]})
    fits = ((windows["start"] >= 0) & (windows["end"] <= windows["chrom"].map(sizes))).to_numpy()
    record = {"bins": int(len(labelled)), "labelled": int(labelled.sum()),
              "zero_bins_added": int(len(extra)), "bin_size": bin_size, "region": region,
              "left_out": {**left_out, "window_off_chromosome": int((~fits).sum())}}
    log.info("%d bins of %d bp (%s): %d with a label, %d all-zero added; left out: %s",
             record["bins"], bin_size, region, record["labelled"], record["zero_bins_added"],
             record["left_out"])
    return windows[fits].reset_index(drop=True), y[fits], record
