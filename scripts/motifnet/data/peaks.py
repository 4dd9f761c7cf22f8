"""Peak files of ChIP-seq or ATAC-seq, one per TF: ENCODE narrowPeak or plain BED, gzipped or not.

A narrowPeak line has exactly ten tab-separated columns (chrom, start, end, name, score,
strand, signalValue, pValue, qValue, peak); ``peak`` is the summit's offset from ``start``, or
-1 for none. A BED line has at least three columns. Every peak gets a summit: the narrowPeak
one where ``summit`` is asked for and given, else the interval's centre. Windows of the
dataset's length are centred on the summits; peaks whose windows coincide (the same summit
listed twice, as MACS2 does for one peak with several summits at one position) are merged.
With ``signal`` (a regression on the peaks' signal) the narrowPeak signalValue (column 7) is
read as well, the peak's regression target.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..io import atomic_write, text_lines
from .bed import interval_fields

log = logging.getLogger(__name__)

NARROWPEAK_COLUMNS = 10
COLUMNS = ["tf", "chrom", "start", "end", "strand", "summit", "source", "signal"]
SIGNAL_COLUMN = 7


def peak_format(path: str | os.PathLike, fmt: str) -> str:
    """``narrowPeak`` or ``bed``: as configured, or by the file name (``.narrowPeak[.gz]``)."""
    if fmt != "auto":
        return fmt
    name = Path(path).name.lower().removesuffix(".gz")
    return "narrowPeak" if name.endswith(".narrowpeak") else "bed"


def _summit(cols: list[str], start: int, end: int, path: str, line: int) -> int:
    """The absolute summit of a narrowPeak line (its centre when column 10 is -1)."""
    try:
        offset = int(cols[9])
    except ValueError:
        raise InputError(f"summit offset '{cols[9]}' (column 10) is not an integer", path=path,
                         line=line, hint="narrowPeak column 10 is the summit's offset from "
                         "start, or -1 for none") from None
    if offset == -1:
        return (start + end) // 2
    if not 0 <= offset < end - start:
        raise InputError(f"summit offset {offset} (column 10) lies outside the peak "
                         f"{start}-{end} ({end - start} bp)", path=path, line=line,
                         hint="column 10 is the offset from start (0 to length - 1), or -1; "
                         "a file whose 10th column holds something else is not narrowPeak: "
                         "set peaks.format: bed")
    return start + offset


def _signal(cols: list[str], path: str, line: int) -> float:
    """The signalValue (column 7) of a narrowPeak line, checked."""
    value = cols[SIGNAL_COLUMN - 1].strip()
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not np.isfinite(number):
        raise InputError(f"signalValue '{value}' (column {SIGNAL_COLUMN}) is not a number",
                         path=path, line=line,
                         hint="peaks.targets: signal reads narrowPeak column 7 as the target; "
                         "fix or remove the line")
    return number


def read_peaks(path: str | os.PathLike, tf: str, fmt: str = "auto",
               summit: bool = True, signal: bool = False) -> pd.DataFrame:
    """One TF's peaks: :data:`COLUMNS` (``summit`` absolute, ``source`` ``path:line``;
    ``signal`` the narrowPeak signalValue where asked for, else NaN)."""
    path = str(path)
    fmt = peak_format(path, fmt)
    if signal and fmt != "narrowPeak":
        raise InputError("peaks.targets: signal reads narrowPeak column 7, and this file is "
                         "read as BED", path=path, key="peaks.format",
                         hint="give narrowPeak files (named *.narrowPeak[.gz], or set "
                         "peaks.format: narrowPeak)")
    rows = []
    for number, text in text_lines(path):
        if not text.strip() or text.startswith(("#", "track", "browser")):
            continue
        cols = text.split("\t")
        if fmt == "narrowPeak" and len(cols) != NARROWPEAK_COLUMNS:
            raise InputError(
                f"{len(cols)} tab-separated columns; narrowPeak has exactly "
                f"{NARROWPEAK_COLUMNS}", path=path, line=number,
                hint="give the peak caller's narrowPeak as written, or set "
                "peaks.format: bed to read chrom, start, end only")
        if len(cols) < 3:
            raise InputError(f"{len(cols)} tab-separated columns, at least 3 needed",
                             path=path, line=number,
                             hint="a peak line holds chrom, start, end (tab-separated)")
        start, end, strand = interval_fields(cols, path, number)
        peak = (_summit(cols, start, end, path, number)
                if fmt == "narrowPeak" and summit else (start + end) // 2)
        value = _signal(cols, path, number) if signal else float("nan")
        rows.append((tf, cols[0], start, end, strand, peak, f"{path}:{number}", value))
    if not rows:
        raise InputError("no peaks in the file", path=path,
                         hint="the peak file is empty; check that the peak caller finished")
    return pd.DataFrame(rows, columns=COLUMNS)


def read_peak_files(files: dict[str, str], fmt: str = "auto", summit: bool = True,
                    signal: bool = False) -> pd.DataFrame:
    """The peaks of every TF (``{tf: path}``), in file order (with their signalValue)."""
    frames = [read_peaks(path, tf, fmt, summit, signal) for tf, path in files.items()]
    for tf, frame in zip(files, frames):
        log.info("%s: %d peaks from %s (%s)", tf, len(frame), files[tf],
                 peak_format(files[tf], fmt))
    return pd.concat(frames, ignore_index=True)


def summit_windows(peaks: pd.DataFrame, length: int) -> tuple[pd.DataFrame, int]:
    """Windows of ``length`` centred on each summit (``start``/``end`` replaced), one per TF
    and summit position; ids ``<tf>:<chrom>:<summit>``. Also the number of peaks merged."""
    same = ["tf", "chrom", "summit"]
    # merged peaks keep the highest signal
    windows = peaks.assign(signal=peaks.groupby(same)["signal"].transform("max"))
    windows = windows.drop_duplicates(same).copy()
    merged = len(peaks) - len(windows)
    if merged:
        log.info("merged %d peak(s) whose summit repeats another peak's of the same TF",
                 merged)
    windows["start"] = windows["summit"].to_numpy(np.int64) - length // 2
    windows["end"] = windows["start"] + length
    windows["id"] = (windows["tf"] + ":" + windows["chrom"] + ":"
                     + windows["summit"].astype(str))
    return windows.reset_index(drop=True), merged


def write_narrowpeak(path: str | os.PathLike, peaks: pd.DataFrame) -> None:
    """Write peaks (``chrom start end name score signal summit``; ``summit`` absolute) as a
    narrowPeak, atomically; pValue and qValue are -1 (not given)."""
    with atomic_write(path) as out:
        for row in peaks.itertuples(index=False):
            out.write(f"{row.chrom}\t{row.start}\t{row.end}\t{row.name}\t{row.score}\t.\t"
                      f"{row.signal}\t-1\t-1\t{row.summit - row.start}\n")
