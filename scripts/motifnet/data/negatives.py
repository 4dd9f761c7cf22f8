"""Negative sequences for a peak set: GC-matched genomic windows, dinucleotide shuffles of the
positives, or flanking windows.

**GC-matched** (as tangermeme's ``extract_matching_loci``, bpnet-lite and ChromBPNet draw
background): the genome is tiled into windows of the dataset's length (a seeded offset per
chromosome); tiles that touch a peak or positive window widened by ``exclude_flank``, or the
blacklist (bedtools ``slop``, ``merge``, ``complement``), or hold more than ``max_n_fraction``
N, are left out. The rest are binned by GC content (``gc_bin_width``), and for each
chromosome and bin ``ratio`` times the positives' count is drawn without replacement, so the
negatives of held-out chromosomes come from those chromosomes. A cell short of tiles takes
them from the same GC bin on other chromosomes, then from the neighbouring bins; a genome that
still cannot give the asked number is an error that says how many it could.

**Dinucleotide shuffles**: each positive shuffled ``ratio`` times keeping its dinucleotide
counts exactly (Altschul & Erikson 1985: a random Eulerian walk over the sequence's
dinucleotide graph with a random last-exit arborescence), keeping the positive's position so a
split by chromosome keeps the pair together.

**Flank**: windows centred ``flank_distance`` either side of each summit, dropped where they
overlap a peak, a positive window or the blacklist.
"""

from __future__ import annotations

import logging
import os
from collections import defaultdict
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd
import pybedtools

from ..errors import InputError
from .gc import fraction, gc_counts
from .genome import chromosome_codes

log = logging.getLogger(__name__)

MAX_BIN_SHIFT = 2  # neighbouring GC bins a short bin may borrow from, either side
_ARBORESCENCE_TRIES = 100


@dataclass
class Drawn:
    """Negative windows (``chrom, start, end``) and what drawing them took."""

    frame: pd.DataFrame
    record: dict = field(default_factory=dict)


def bedtool(frame: pd.DataFrame):
    """A pybedtools BedTool of a frame's ``chrom, start, end`` (starts below 0 set to 0)."""
    return pybedtools.BedTool.from_dataframe(
        frame[["chrom", "start", "end"]].assign(start=frame["start"].clip(lower=0)))


def allowed_regions(fai: str | os.PathLike, excluded: pd.DataFrame, flank: int,
                    blacklist: pd.DataFrame | None) -> pd.DataFrame:
    """The genome minus ``excluded`` widened by ``flank`` either side and minus the blacklist:
    merged ``chrom, start, end`` regions, in the genome's order."""
    parts = [bedtool(excluded).slop(g=str(fai), b=flank)]
    if blacklist is not None and len(blacklist):
        parts.append(bedtool(blacklist))
    out = parts[0] if len(parts) == 1 else parts[0].cat(*parts[1:], postmerge=False)
    merged = out.sort(g=str(fai)).merge()
    allowed = merged.complement(g=str(fai))
    frame = _frame(allowed)
    pybedtools.cleanup()
    return frame


def _frame(tool) -> pd.DataFrame:
    rows = [(f.chrom, f.start, f.end) for f in tool]
    return pd.DataFrame(rows, columns=["chrom", "start", "end"]).astype(
        {"start": np.int64, "end": np.int64})


@dataclass
class Tiles:
    """Candidate windows of one length: chromosome, start, GC content."""

    chrom: np.ndarray
    start: np.ndarray
    gc: np.ndarray


def genome_tiles(fasta: str | os.PathLike, fai: str | os.PathLike, sizes: dict[str, int],
                 allowed: pd.DataFrame, length: int, max_n_fraction: float,
                 rng: np.random.Generator) -> Tiles:
    """Windows of ``length`` tiling each chromosome from a random offset, kept where they lie
    inside ``allowed`` and hold at most ``max_n_fraction`` N (or other non-ACGT letters)."""
    chroms, starts, gcs = [], [], []
    by_chrom = dict(tuple(allowed.groupby("chrom", sort=False)))
    for chrom, size in sizes.items():
        offset = int(rng.integers(0, length))
        n_tiles = (size - offset) // length
        if n_tiles <= 0 or chrom not in by_chrom:
            continue
        segments = by_chrom[chrom]
        first = -(-(segments["start"].to_numpy() - offset) // length)  # ceil division
        last = (segments["end"].to_numpy() - offset) // length  # exclusive
        first, last = np.clip(first, 0, n_tiles), np.clip(last, 0, n_tiles)
        inside = np.zeros(n_tiles + 1, dtype=np.int64)
        np.add.at(inside, first[last > first], 1)
        np.add.at(inside, last[last > first], -1)
        keep = np.cumsum(inside[:-1]) > 0
        if not keep.any():
            continue
        codes = chromosome_codes(fasta, fai, chrom)[offset:offset + n_tiles * length]
        gc, acgt = gc_counts(codes.reshape(n_tiles, length))
        keep &= (length - acgt) <= max_n_fraction * length
        keep &= acgt > 0
        index = np.flatnonzero(keep)
        chroms.append(np.full(len(index), chrom, dtype=object))
        starts.append(offset + index * length)
        gcs.append(fraction(gc[index], acgt[index]))
    if not chroms:
        return Tiles(np.array([], dtype=object), np.array([], np.int64), np.array([]))
    return Tiles(np.concatenate(chroms), np.concatenate(starts).astype(np.int64),
                 np.concatenate(gcs))


def _quotas(counts: np.ndarray, ratio: float) -> np.ndarray:
    """``ratio`` x ``counts``, rounded so that the total is round(ratio x sum) (largest
    remainders round up)."""
    exact = counts * ratio
    quota = np.floor(exact).astype(np.int64)
    missing = int(round(ratio * counts.sum())) - int(quota.sum())
    if missing > 0:
        quota[np.argsort(-(exact - quota), kind="stable")[:missing]] += 1
    return quota


def match_gc(positive_chrom: np.ndarray, positive_gc: np.ndarray, tiles: Tiles, ratio: float,
             bin_width: float, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
    """Indices of tiles matching the positives' GC distribution per chromosome (see the module
    docstring), and counts of how they were found."""
    n_bins = int(np.ceil(1.0 / bin_width))
    valid = ~np.isnan(positive_gc)
    pos_bin = np.minimum((positive_gc[valid] / bin_width).astype(np.int64), n_bins - 1)
    tile_bin = np.minimum((tiles.gc / bin_width).astype(np.int64), n_bins - 1)
    chrom_names = sorted(set(positive_chrom[valid]) | set(tiles.chrom))
    chrom_index = {name: i for i, name in enumerate(chrom_names)}
    pos_cell = np.array([chrom_index[c] for c in positive_chrom[valid]], np.int64) * n_bins
    pos_cell += pos_bin
    tile_cell = np.array([chrom_index[c] for c in tiles.chrom], np.int64) * n_bins + tile_bin
    cells, counts = np.unique(pos_cell, return_counts=True)
    quota = _quotas(counts, ratio)
    # tiles grouped by cell, in random order within each cell
    order = np.lexsort((rng.random(len(tile_cell)), tile_cell))
    sorted_cells = tile_cell[order]
    used = np.zeros(len(tile_cell), dtype=bool)
    chosen: list[np.ndarray] = []

    def take(pool: np.ndarray, wanted: int) -> int:
        free = pool[~used[pool]]
        got = free[:wanted]
        used[got] = True
        chosen.append(got)
        return len(got)

    def cell_pool(cell: int) -> np.ndarray:
        lo, hi = np.searchsorted(sorted_cells, [cell, cell + 1])
        return order[lo:hi]

    short = defaultdict(int)  # GC bin -> negatives still wanted
    same = 0
    for cell, wanted in zip(cells.tolist(), quota.tolist()):
        got = take(cell_pool(cell), wanted)
        same += got
        if got < wanted:
            short[cell % n_bins] += wanted - got
    other = neighbour = 0
    for shift in range(MAX_BIN_SHIFT + 1):
        for gc_bin in sorted(short):
            for target in sorted({gc_bin - shift, gc_bin + shift}):
                if short[gc_bin] <= 0 or not 0 <= target < n_bins:
                    continue
                pool = order[tile_bin[order] == target]
                pool = pool[rng.permutation(len(pool))]
                got = take(pool, short[gc_bin])
                short[gc_bin] -= got
                if shift == 0:
                    other += got
                else:
                    neighbour += got
    picked = np.concatenate(chosen) if chosen else np.array([], np.int64)
    record = {"asked": int(quota.sum()), "drawn": int(len(picked)), "candidates": len(tiles.gc),
              "same_chromosome_and_bin": same, "other_chromosome": other,
              "neighbouring_bin": neighbour, "positives_without_gc": int((~valid).sum()),
              # [GC from, GC to, negatives missing] of the bins still short after borrowing
              "short_gc": [[round(b * bin_width, 6), round(min((b + 1) * bin_width, 1.0), 6),
                            int(n)] for b, n in sorted(short.items()) if n > 0]}
    return picked, record


@dataclass(frozen=True)
class GCMatching:
    """How GC-matched negatives are drawn: windows of ``length``; the rest as the config's
    ``peaks.negatives`` block names them."""

    length: int
    ratio: float
    exclude_flank: int
    max_n_fraction: float
    gc_bin_width: float
    seed: int

    @classmethod
    def from_config(cls, negatives: dict, length: int) -> GCMatching:
        """The settings of a ``negatives`` block (its other keys ignored)."""
        return cls(length=length, **{f.name: negatives[f.name] for f in fields(cls)
                                     if f.name != "length"})


def short_genome(sizes: dict[str, int], length: int, windows: int = 4) -> str:
    """A remark for the errors of a genome whose every sequence is at most ``windows``
    windows long (a FASTA of peak sequences, say), else empty."""
    longest = max(sizes.values(), default=0)
    if longest > windows * length:
        return ""
    return (f"; every sequence of the genome is at most {longest} bp ({longest / length:.1f} "
            "windows): a genome made of peak windows holds no background to draw from")


def gc_matched(positives: pd.DataFrame, positive_gc: np.ndarray, *, fasta: str | os.PathLike,
               fai: str | os.PathLike, sizes: dict[str, int], peaks: pd.DataFrame,
               blacklist: pd.DataFrame | None, settings: GCMatching) -> Drawn:
    """GC-matched genomic negatives for ``positives`` (windows with ``chrom``), whose GC
    contents are ``positive_gc``, from the genome ``fasta`` (index ``fai``, chromosome
    ``sizes``); ``peaks`` (every TF's peak intervals) and the positive windows, widened by
    ``exclude_flank``, and the ``blacklist`` are never drawn from."""
    length, ratio, exclude_flank = settings.length, settings.ratio, settings.exclude_flank
    max_n_fraction = settings.max_n_fraction
    rng = np.random.default_rng(settings.seed)
    excluded = pd.concat([peaks[["chrom", "start", "end"]], positives[["chrom", "start", "end"]]])
    excluded = excluded[excluded["chrom"].isin(sizes)]
    allowed = allowed_regions(fai, excluded, exclude_flank, blacklist)
    if allowed.empty:
        blacklisted = blacklist is not None and allowed_regions(
            fai, blacklist.iloc[:0], 0, blacklist).empty
        raise InputError(
            "the blacklist covers the whole genome: no region is left to draw negatives from"
            if blacklisted else f"the peaks, widened by exclude_flank {exclude_flank}, and the "
            "blacklist cover the whole genome: no region is left to draw negatives from"
            + short_genome(sizes, length),
            key="peaks.blacklist" if blacklisted else "peaks.negatives.exclude_flank",
            hint="check that the blacklist is the one of this assembly (a few Mb, not whole "
            "chromosomes)" if blacklisted else "lower negatives.exclude_flank, or use "
            "negatives: {kind: dinucleotide_shuffle}")
    tiles = genome_tiles(fasta, fai, sizes, allowed, length, max_n_fraction, rng)
    picked, record = match_gc(positives["chrom"].to_numpy(object), positive_gc, tiles, ratio,
                              settings.gc_bin_width, rng)
    if record["drawn"] < record["asked"]:
        short = record["short_gc"]
        bins = ", ".join(f"{n} for GC {lo:.2f}-{hi:.2f}" for lo, hi, n in short[:5])
        raise InputError(
            f"the genome gives {record['drawn']} of the {record['asked']} GC-matched negatives "
            f"asked for ({len(tiles.gc)} windows of {length} bp lie outside the peaks +/- "
            f"{exclude_flank} bp and the blacklist with at most {max_n_fraction:.0%} N); "
            f"missing after borrowing from other chromosomes and {MAX_BIN_SHIFT} GC bins either "
            f"side: {bins}{', ...' if len(short) > 5 else ''}" + short_genome(sizes, length),
            key="peaks.negatives",
            hint=f"raise negatives.gc_bin_width (now {settings.gc_bin_width}) where a few GC "
            "contents have no window, lower negatives.ratio (this genome gave "
            f"{_floor2(record['drawn'] / max(len(positives), 1))} per positive) where windows "
            "run out, lower negatives.exclude_flank, raise negatives.max_n_fraction, or use "
            "negatives: {kind: dinucleotide_shuffle}")
    picked = np.sort(picked)
    frame = pd.DataFrame({"chrom": tiles.chrom[picked], "start": tiles.start[picked]})
    frame["end"] = frame["start"] + length
    log.info("drew %d GC-matched negatives from %d candidate windows: %d in the positive's "
             "chromosome and GC bin, %d from other chromosomes, %d from neighbouring GC bins",
             record["drawn"], record["candidates"], record["same_chromosome_and_bin"],
             record["other_chromosome"], record["neighbouring_bin"])
    return Drawn(frame, {**record, "gc": tiles.gc[picked]})


def _floor2(value: float) -> float:
    return float(np.floor(value * 100) / 100)


def _arborescence(edges: dict[str, list[str]], last: str,
                  rng: np.random.Generator) -> dict[str, int]:
    """Index of the last exit from each vertex (but ``last``) such that the last exits lead
    every vertex to ``last``: drawn at random and kept when they form such a tree
    (Altschul & Erikson); after many rejections, the sequence's own last exits (always valid)."""
    vertices = [v for v in edges if v != last]
    for _ in range(_ARBORESCENCE_TRIES):
        exits = {v: int(rng.integers(len(edges[v]))) for v in vertices}
        if all(_reaches(v, last, edges, exits) for v in vertices):
            return exits
    return {v: len(edges[v]) - 1 for v in vertices}  # edges are listed in sequence order


def _reaches(vertex: str, last: str, edges: dict[str, list[str]], exits: dict[str, int]) -> bool:
    seen = set()
    while vertex != last:
        if vertex in seen:
            return False
        seen.add(vertex)
        vertex = edges[vertex][exits[vertex]]
    return True


def dinucleotide_shuffle(sequence: str, rng: np.random.Generator) -> str:
    """A random sequence with exactly the dinucleotide counts (and first and last letters) of
    ``sequence``."""
    if len(sequence) < 3:
        return sequence
    edges: dict[str, list[str]] = defaultdict(list)
    for a, b in zip(sequence, sequence[1:]):
        edges[a].append(b)
    last = sequence[-1]
    exits = _arborescence(edges, last, rng)
    walks = {}
    for vertex, targets in edges.items():
        keep = exits.get(vertex)
        rest = [t for i, t in enumerate(targets) if i != keep]
        rest = [rest[i] for i in rng.permutation(len(rest))]
        walks[vertex] = rest + ([targets[keep]] if keep is not None else [])
    position = dict.fromkeys(walks, 0)
    out = [sequence[0]]
    current = sequence[0]
    for _ in range(len(sequence) - 1):
        nxt = walks[current][position[current]]
        position[current] += 1
        out.append(nxt)
        current = nxt
    return "".join(out)


def shuffled(positives: pd.DataFrame, ratio: int, seed: int) -> pd.DataFrame:
    """``ratio`` dinucleotide shuffles of each positive (columns of ``positives`` kept,
    ``sequence`` shuffled, ``id`` suffixed ``:shuffleK``)."""
    rng = np.random.default_rng(seed)
    copies = []
    for k in range(1, ratio + 1):
        copy = positives.copy()
        copy["sequence"] = [dinucleotide_shuffle(s, rng) for s in positives["sequence"]]
        copy["id"] = copy["id"] + f":shuffle{k}"
        copies.append(copy)
    return pd.concat(copies, ignore_index=True)


def flank_windows(positives: pd.DataFrame, peaks: pd.DataFrame, blacklist: pd.DataFrame | None,
                  sizes: dict[str, int], *, length: int, distance: int) -> Drawn:
    """Windows of ``length`` centred ``distance`` either side of each positive's summit, kept
    where they lie on the chromosome and overlap no peak, positive window or blacklist."""
    sides = []
    for sign in (-1, 1):
        side = positives[["chrom", "summit"]].copy()
        side["start"] = side["summit"] + sign * distance - length // 2
        side["end"] = side["start"] + length
        sides.append(side)
    windows = pd.concat(sides, ignore_index=True).drop_duplicates(["chrom", "start"])
    on_genome = windows["chrom"].map(sizes)
    inside = (windows["start"] >= 0) & (windows["end"] <= on_genome)
    windows = windows[inside.fillna(False).astype(bool)]
    occupied = [peaks[["chrom", "start", "end"]], positives[["chrom", "start", "end"]]]
    if blacklist is not None:
        occupied.append(blacklist[["chrom", "start", "end"]])
    occupied_tool = bedtool(pd.concat(occupied))
    free = _frame(bedtool(windows).intersect(occupied_tool, v=True))
    record = {"asked": 2 * len(positives), "drawn": len(free),
              "off_chromosome": int((~inside.fillna(False).astype(bool)).sum()),
              "overlapping": int(len(windows) - len(free))}
    log.info("flank negatives: %d windows %d bp either side of %d summits; %d off a "
             "chromosome end, %d overlapping a peak or the blacklist left out", len(free),
             distance, len(positives), record["off_chromosome"], record["overlapping"])
    pybedtools.cleanup()
    return Drawn(free.sort_values(["chrom", "start"]).reset_index(drop=True), record)
