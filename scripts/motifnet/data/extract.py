"""Fixed-length sequences from intervals on a genome, with bedtools getfasta.

Intervals are resized to the dataset's length, those that cannot be extracted (unknown
chromosome, off a chromosome end) are dropped with a reason, and the rest become the sequence
table (:mod:`.table`).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..errors import InputError
from .intervals import LabelledIntervals, load_intervals
from .kinds import interval_files
from .table import sequence_table

log = logging.getLogger(__name__)

RESIZE_POLICIES = ("center", "pad", "crop")


@dataclass
class Extraction:
    """Kept intervals with their sequences, and the dropped ones with a reason each."""

    kept: pd.DataFrame  # input columns + sequence
    dropped: pd.DataFrame  # input columns + reason
    kept_index: np.ndarray  # rows of the input that were kept


def read_chrom_sizes(fai: str | os.PathLike) -> dict[str, int]:
    """Chromosome lengths from a samtools/pyfaidx ``.fai`` index."""
    sizes = {}
    with open(fai) as handle:
        for line in handle:
            name, length = line.split("\t")[:2]
            sizes[name] = int(length)
    return sizes


def resize(frame: pd.DataFrame, length: int, policy: str) -> pd.DataFrame:
    """Resize intervals to ``length``.

    ``center``: a window of ``length`` around the interval centre (genome context);
    ``pad``: longer intervals are cropped at the centre, shorter ones kept and later padded
    with N at both ends; ``crop``: longer intervals cropped at the centre, shorter dropped.
    """
    if policy not in RESIZE_POLICIES:
        raise InputError(f"unknown resize policy '{policy}'", key="resize",
                         hint=f"use one of {RESIZE_POLICIES}")
    out = frame.copy()
    start = out["start"].to_numpy(np.int64)
    end = out["end"].to_numpy(np.int64)
    size = end - start
    if policy == "center":
        new_start = (start + end) // 2 - length // 2
        new_end = new_start + length
    else:
        longer = size > length
        new_start = np.where(longer, start + (size - length) // 2, start)
        new_end = np.where(longer, new_start + length, end)
    out["start"] = new_start
    out["end"] = new_end
    return out


def length_notes(frame: pd.DataFrame, length: int, policy: str) -> dict:
    """Notes on the intervals shorter than ``length``, logged: with ``center`` their windows
    read genomic flanks (a model may learn the flanks), with ``pad`` they are padded with N,
    with ``crop`` they are dropped. Empty when none is shorter."""
    sizes = (frame["end"] - frame["start"]).to_numpy()
    shorter = int((sizes < length).sum())
    if not shorter:
        return {}
    note = {"intervals": int(len(sizes)), "shorter_than_length": shorter, "length": length,
            "longest": int(sizes.max()), "median": float(np.median(sizes)), "resize": policy}
    what = {"center": "their windows read the genome around them",
            "pad": "they are padded with N", "crop": "they are dropped"}[policy]
    log.warning("%d of %d intervals are shorter than length %d (median %g, longest %d bp): "
                "with resize: %s %s%s", shorter, len(sizes), length, note["median"],
                note["longest"], policy, what,
                "; set resize: pad, or a length of at most the interval length, to keep to "
                "the intervals" if policy == "center" else "")
    return {"short_intervals": note}


def _drop_reasons(frame: pd.DataFrame, sizes: dict[str, int], length: int,
                  policy: str) -> pd.Series:
    """Why each interval cannot be extracted ('' when it can)."""
    chrom_size = frame["chrom"].map(sizes)
    reasons = pd.Series("", index=frame.index, dtype=object)
    reasons[chrom_size.isna()] = "chromosome not in genome"
    off = chrom_size.notna() & ((frame["start"] < 0) | (frame["end"] > chrom_size))
    reasons[off] = "falls off the chromosome end"
    if policy == "crop":
        reasons[(reasons == "") & (frame["end"] - frame["start"] < length)] = (
            f"shorter than {length} (resize: crop)"
        )
    return reasons


def chr_hint(missing: list[str], sizes: dict[str, int]) -> str:
    """Suggest the usual naming fix when chromosome names differ only by a 'chr' prefix or by
    case (``Chr1`` against ``chr1``)."""
    flipped = [m[3:] if m.startswith("chr") else "chr" + m for m in missing]
    if any(name in sizes for name in flipped):
        style = "without" if missing[0].startswith("chr") else "with"
        return (f"the genome names chromosomes {style} the 'chr' prefix: rename the "
                "chromosomes in the intervals (e.g. sed 's/^chr//' or 's/^/chr/'), "
                "or use the genome assembly the intervals were made on")
    by_case = {name.lower(): name for name in sizes}
    for name in missing:
        for spelling in (name, name[3:] if name.lower().startswith("chr") else "chr" + name):
            if spelling.lower() in by_case:
                return (f"chromosome names differ in case: the intervals say '{name}', the "
                        f"genome '{by_case[spelling.lower()]}'; rename them in the intervals "
                        "to the genome's spelling (names are case-sensitive)")
    return ("check that the intervals and the genome are the same assembly; genome has e.g. "
            + ", ".join(list(sizes)[:5]))


def check_bounds(frame: pd.DataFrame, sizes: dict[str, int], length: int, policy: str,
                 max_dropped_fraction: float, source: str) -> tuple[np.ndarray, pd.DataFrame]:
    """Split intervals into extractable ones and dropped ones; fail above the allowed fraction."""
    reasons = _drop_reasons(frame, sizes, length, policy)
    keep = (reasons == "").to_numpy()
    dropped = frame.loc[~keep].copy()
    dropped["reason"] = reasons[~keep]
    fraction = 1 - keep.mean()
    if fraction > max_dropped_fraction:
        missing = sorted(set(dropped.loc[dropped["reason"] == "chromosome not in genome",
                                         "chrom"]))
        detail = f"; unknown chromosomes: {', '.join(missing[:8])}" if missing else ""
        example = dropped.iloc[0]
        raise InputError(
            f"{len(dropped)} of {len(frame)} intervals ({fraction:.1%}) cannot be extracted, "
            f"above max_dropped_fraction {max_dropped_fraction}{detail}; first: "
            f"{example['chrom']}:{example['start']}-{example['end']} at {example['source']} "
            f"({example['reason']})",
            path=source,
            hint=chr_hint(missing, sizes) if missing else
            "fix the intervals, or raise max_dropped_fraction to drop them",
        )
    return keep, dropped


def getfasta(genome: str | os.PathLike, frame: pd.DataFrame) -> list[str]:
    """Sequences of the intervals (strand-aware) with ``bedtools getfasta``, in input order."""
    bedtools = shutil.which("bedtools")
    if bedtools is None:
        raise InputError("bedtools is not on PATH",
                         hint="install it (apt-get install bedtools, or conda install "
                         "-c bioconda bedtools), or run scripts/setup.sh")
    with tempfile.NamedTemporaryFile("w", suffix=".bed", delete=False) as bed:
        for i, row in enumerate(frame.itertuples(index=False)):
            bed.write(f"{row.chrom}\t{row.start}\t{row.end}\t{i}\t0\t{row.strand}\n")
    try:
        result = subprocess.run(
            [bedtools, "getfasta", "-fi", str(genome), "-bed", bed.name, "-s", "-tab"],
            check=False, capture_output=True, text=True,
        )
    finally:
        os.remove(bed.name)
    if result.returncode != 0:
        raise InputError(f"bedtools getfasta failed: {result.stderr.strip()}", path=genome,
                         hint="check that the genome is a valid FASTA")
    sequences = [line.split("\t", 1)[1] for line in result.stdout.splitlines()]
    if len(sequences) != len(frame):
        raise InputError(f"bedtools returned {len(sequences)} sequences for {len(frame)} "
                         "intervals", path=genome, hint="check the genome FASTA and index")
    return sequences


def pad_to_length(sequences: list[str], length: int) -> list[str]:
    """Pad shorter sequences with N on both ends (centred) to ``length``."""
    padded = []
    for seq in sequences:
        missing = length - len(seq)
        left = missing // 2
        padded.append("N" * left + seq + "N" * (missing - left) if missing > 0 else seq)
    return padded


def extract(genome: str | os.PathLike, fai: str | os.PathLike, frame: pd.DataFrame,
            length: int, policy: str, max_dropped_fraction: float, source: str) -> Extraction:
    """Resize, bounds-check and extract; sequences come out exactly ``length`` long."""
    resized = resize(frame, length, policy)
    keep, dropped = check_bounds(resized, read_chrom_sizes(fai), length, policy,
                                 max_dropped_fraction, source)
    kept = resized.loc[keep].copy()
    sequences = getfasta(genome, kept)
    kept["sequence"] = pad_to_length(sequences, length) if policy == "pad" else sequences
    return Extraction(kept.reset_index(drop=True), dropped.reset_index(drop=True),
                      np.flatnonzero(keep))


def extract_labelled(genome: str | os.PathLike, fai: str | os.PathLike,
                     labelled: LabelledIntervals, length: int, policy: str,
                     max_dropped_fraction: float,
                     source: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sequence table of labelled intervals (in their order), and the dropped ones (with
    those the labelling dropped)."""
    result = extract(genome, fai, labelled.frame, length, policy, max_dropped_fraction, source)
    table = sequence_table(result.kept, result.kept["sequence"].tolist(),
                           labelled.y[result.kept_index], labelled.classes)
    return table, pd.concat([labelled.dropped, result.dropped], ignore_index=True)


def extract_intervals(spec: dict, genome: str | os.PathLike, fai: str | os.PathLike, *,
                      task: str, length: int, resize: str, max_dropped_fraction: float
                      ) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The sequence table of a dataset's ``intervals`` block on its genome, the dropped
    intervals, and notes for ``encoding.json``."""
    labelled = load_intervals(spec, task, max_dropped_fraction)
    notes = {**length_notes(labelled.frame, length, resize), **labelled.notes()}
    return (*extract_labelled(genome, fai, labelled, length, resize, max_dropped_fraction,
                              ", ".join(interval_files(spec))), notes)
