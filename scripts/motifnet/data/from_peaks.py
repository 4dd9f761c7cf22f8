"""A ``peaks`` dataset's sequence table (:mod:`.table`): peak files of one or several TFs on a
genome become labelled fixed-length sequences.

``binary`` (one peak file): windows centred on the summits are the positives (1), and the
negatives (0) are drawn by :mod:`.negatives`. ``multilabel`` (one file per TF): the genome is
binned and each bin labelled by peak overlap (:mod:`.bins`). ``regression`` (``targets:
signal``) does the same with the peaks' signalValue as targets: one TF's summit windows carry
their peak's signal and the negatives 0; several TFs' bins the highest overlapping signal, 0
without a peak.

Before either, every peak is checked against the genome: peaks on contigs the genome lacks
or off a chromosome end are dropped and listed in ``dropped.tsv`` (above
``max_dropped_fraction`` the job stops, naming them); positive windows that touch the
blacklist, or fall off a chromosome end once centred, are dropped the same way.
"""

from __future__ import annotations

import logging
import os

import numpy as np
import pandas as pd

from ..errors import InputError
from .bed import read_bed
from .bins import binned_windows
from .extract import check_bounds, chr_hint, getfasta, read_chrom_sizes
from .gc import gc_fraction
from .kinds import binned
from .negatives import GCMatching, bedtool, flank_windows, gc_matched, shuffled
from .peaks import read_peak_files, summit_windows
from .table import sequence_table

log = logging.getLogger(__name__)

DROPPED_COLUMNS = ["id", "chrom", "start", "end", "source", "reason"]


def _dropped(frame: pd.DataFrame, reason: str | pd.Series) -> pd.DataFrame:
    out = frame.assign(reason=reason)
    if "id" not in out:
        out["id"] = out["tf"] + ":" + out["chrom"] + ":" + out["start"].astype(str)
    return out[DROPPED_COLUMNS]


def check_peaks(peaks: pd.DataFrame, sizes: dict[str, int], files: dict[str, str],
                max_dropped_fraction: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Peaks on the genome, and those dropped (unknown contig, off a chromosome end); a file
    with no peak on the genome is an error, and so are drops above the allowed fraction."""
    for tf, path in files.items():
        own = peaks[peaks["tf"] == tf]
        known = own["chrom"].isin(sizes)
        if not known.any():
            missing = sorted(set(own["chrom"]))
            raise InputError(
                f"none of the {len(own)} peaks lies on a chromosome of the genome (the file "
                f"names {', '.join(missing[:5])}{', ...' if len(missing) > 5 else ''})",
                path=path, hint=chr_hint(missing, sizes))
    keep, dropped = check_bounds(peaks, sizes, 1, "center", max_dropped_fraction,
                                 ", ".join(files.values()))
    return peaks[keep].reset_index(drop=True), _dropped(dropped, dropped["reason"])


def read_blacklist(path: str | None) -> pd.DataFrame | None:
    """The blacklist's ``chrom, start, end``, or None."""
    if not path:
        return None
    return read_bed(path).frame[["chrom", "start", "end"]]


def _outside_blacklist(windows: pd.DataFrame, blacklist: pd.DataFrame | None) -> np.ndarray:
    """True for the windows that touch no blacklisted region (bedtools intersect)."""
    if blacklist is None:
        return np.ones(len(windows), dtype=bool)
    hit = bedtool(windows[["chrom", "start", "end"]]).intersect(bedtool(blacklist), u=True)
    keys = {(f.chrom, f.start) for f in hit}
    return ~np.array([(c, s) in keys for c, s in zip(windows["chrom"], windows["start"])],
                     dtype=bool)


def _positives(peaks: pd.DataFrame, sizes: dict[str, int], blacklist: pd.DataFrame | None,
               length: int, blacklist_path: str | None) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Windows on the summits that lie on the genome and outside the blacklist; the dropped
    ones; the number of peaks merged (same summit)."""
    windows, merged = summit_windows(peaks, length)
    fits = ((windows["start"] >= 0) & (windows["end"] <= windows["chrom"].map(sizes))).to_numpy()
    clean = _outside_blacklist(windows, blacklist)
    dropped = pd.concat([
        _dropped(windows[~fits], "window falls off the chromosome end"),
        _dropped(windows[fits & ~clean], "in the blacklist"),
    ])
    kept = windows[fits & clean].reset_index(drop=True)
    if kept.empty:
        raise InputError(
            f"the blacklist covers every one of the {len(windows)} peak windows",
            path=blacklist_path, key="peaks.blacklist",
            hint="check that the blacklist and the peaks are of the same assembly")
    return kept, dropped, merged


def _extract(fasta: str | os.PathLike, frame: pd.DataFrame) -> list[str]:
    return getfasta(fasta, frame.assign(strand=frame.get("strand", ".")))


def binary_table(spec: dict, fasta: str | os.PathLike, fai: str | os.PathLike,
                 sizes: dict[str, int], peaks: pd.DataFrame, blacklist: pd.DataFrame | None,
                 length: int) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Positives on the summits of the one TF, and the configured negatives."""
    (tf,) = spec["files"]
    positives, dropped, merged = _positives(peaks, sizes, blacklist, length,
                                            spec.get("blacklist"))
    positives["sequence"] = _extract(fasta, positives)
    options = spec["negatives"]
    kind = options["kind"]
    notes: dict = {"merged_summits": merged, "positives": len(positives),
                   "negatives": {"kind": kind}}
    if kind == "gc_matched":
        drawn = gc_matched(
            positives, gc_fraction(positives["sequence"].tolist()), fasta=fasta, fai=fai,
            sizes=sizes, peaks=peaks, blacklist=blacklist,
            settings=GCMatching.from_config(options, length))
        negatives = drawn.frame
        notes["negatives"].update({k: v for k, v in drawn.record.items() if k != "gc"})
    elif kind == "flank":
        drawn = flank_windows(positives, peaks, blacklist, sizes, length=length,
                              distance=options["flank_distance"])
        negatives = drawn.frame
        notes["negatives"].update(drawn.record)
    elif kind == "dinucleotide_shuffle":
        negatives = shuffled(positives, int(options["ratio"]), options["seed"])
        notes["negatives"].update({"drawn": len(negatives), "per_positive": options["ratio"]})
    elif spec.get("targets") == "signal":  # a regression among the peaks alone
        negatives = positives.iloc[:0]
    else:
        raise InputError("a binary task needs negatives (negatives: none gives one class only)",
                         key="peaks.negatives.kind",
                         hint="use gc_matched, dinucleotide_shuffle or flank")
    if "sequence" not in negatives:
        negatives = negatives.assign(
            strand=".", id="background:" + negatives["chrom"] + ":"
            + negatives["start"].astype(str) + "-" + negatives["end"].astype(str))
        negatives["sequence"] = _extract(fasta, negatives)
    frame = pd.concat([positives, negatives], ignore_index=True).assign(split="")
    if spec.get("targets") == "signal":
        y = np.r_[positives["signal"].to_numpy(np.float32),
                  np.zeros(len(negatives), np.float32)][:, None]
    else:
        y = np.r_[np.ones(len(positives)), np.zeros(len(negatives))].astype(np.uint8)[:, None]
    table = sequence_table(frame, frame["sequence"].tolist(), y, [tf])
    return table, dropped, notes


def multilabel_table(spec: dict, fasta: str | os.PathLike, fai: str | os.PathLike,
                     sizes: dict[str, int], peaks: pd.DataFrame,
                     blacklist: pd.DataFrame | None, length: int
                     ) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Bins labelled by the peaks of every TF."""
    classes = list(spec["files"])
    options = spec["bins"]
    windows, y, record = binned_windows(
        fai, sizes, peaks, classes, blacklist, length=length, bin_size=options["bin_size"],
        region=options["region"], flank=options["flank"], zero_bins=options["zero_bins"],
        seed=options["seed"], signal=spec.get("targets") == "signal")
    if not len(windows):
        raise InputError("no bin is labelled by any peak", key="peaks.bins",
                         hint="check that the peaks lie on this genome and are at least "
                         "half a bin wide (lower bins.bin_size)")
    frame = windows.assign(split="")
    table = sequence_table(frame, _extract(fasta, frame), y, classes)
    return table, pd.DataFrame(columns=DROPPED_COLUMNS), {"bins": record}


def peak_sequences(spec: dict, fasta: str | os.PathLike, fai: str | os.PathLike, *, task: str,
                   length: int, resize: str, max_dropped_fraction: float
                   ) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The sequence table of a ``peaks`` block on its genome, the dropped peaks and windows,
    and notes for ``encoding.json`` (``resize`` does not apply: windows are made here)."""
    sizes = read_chrom_sizes(fai)
    peaks = read_peak_files(spec["files"], spec["format"], spec["summit"],
                            spec.get("targets") == "signal")
    read = peaks["tf"].value_counts().reindex(list(spec["files"])).to_dict()
    peaks, dropped = check_peaks(peaks, sizes, spec["files"], max_dropped_fraction)
    blacklist = read_blacklist(spec.get("blacklist"))
    build = multilabel_table if binned(spec, task) else binary_table
    table, lost, notes = build(spec, fasta, fai, sizes, peaks, blacklist, length)
    notes = {"peaks_read": {tf: int(n) for tf, n in read.items()},
             "peaks_dropped": int(len(dropped)), **notes}
    return table, pd.concat([dropped, lost], ignore_index=True), notes
