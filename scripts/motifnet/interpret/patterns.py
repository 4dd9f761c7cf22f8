"""TF-MoDISco patterns (modisco-lite) from a model's attribution maps, and their files.

Per class, TF-MoDISco cuts the high-attribution stretches of the sequences into seqlets and
clusters them into patterns (positive: raising the class's output; negative: lowering it),
each with a CWM (mean contributions) and a PFM (base frequencies of its seqlets). Files:

- ``modisco/{class}.h5``: modisco-lite's own format (``modisco report`` reads it);
- ``patterns.tsv``: one row per pattern (:data:`PATTERN_COLUMNS`): class, sign, seqlets,
  information, and the PFM columns TomTom compares (``query_start``, ``query_end``: flanks
  below ``motifs.trim_ic`` bits trimmed, as filter PFMs are; empty for a pattern with no
  column above it);
- ``seqlets.tsv``: one row per seqlet of a pattern (:data:`SEQLET_COLUMNS`), in the
  coordinates of its sequence (0-based, end excluded), with the stretch the trimmed query
  covers (``core_start``, ``core_end``);
- ``patterns.meme``: the trimmed PFMs, TomTom's queries;
- ``modisco/modisco.json``: per class, its sequences, the settings TF-MoDISco ran with and
  the patterns found, and a note where the set is small or nothing was found.

Small sets: modisco-lite looks for patterns of a sign only when it has more seqlets than
``min_metacluster_size`` (``modisco.min_seqlets``, 100), and keeps a pattern only with
``final_min_cluster_size`` (``min_pattern_seqlets``, 20) seqlets; a few hundred sequences
give about one seqlet each, so a small class can fall short of the first. A class where the
configured settings find nothing is run again with both minimums scaled to its number of
sequences n (:func:`scaled_settings`: ``min_seqlets`` n / 4, ``min_pattern_seqlets`` n / 20,
never above the configured ones nor below 20 and 10); a class with fewer than
:data:`SMALL_SET` sequences is noted as small. The window sizes stay as configured (seqlet
width is a property of the motifs, not of the number of sequences).
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..io import atomic_path, write_json, write_tsv
from ..motifs.meme import Motif, information_content, write_meme
from ..motifs.pfm import trim
from .attribution_maps import ClassAttributions, file_stem, load_classes

log = logging.getLogger(__name__)

PATTERN_COLUMNS = ["class", "pattern", "sign", "n_seqlets", "width", "ic_bits", "query_start",
                   "query_end"]
SEQLET_COLUMNS = ["pattern", "class", "sequence", "start", "end", "strand", "core_start",
                  "core_end"]
SIGNS = {"pos_patterns": "+", "neg_patterns": "-"}
TRIM_PAD = 3  # columns kept either side of the informative ones (as for filters)
SMALL_SET = 200  # sequences per class below which a class is noted as a small set
SCALED_FLOORS = {"min_seqlets": 20, "min_pattern_seqlets": 10}
SCALED_DIVISORS = {"min_seqlets": 4, "min_pattern_seqlets": 20}
RECORD = "modisco.json"


@dataclass
class Pattern:
    """One TF-MoDISco pattern of one class."""

    id: str
    class_name: str
    sign: str  # "+" raises the class's output, "-" lowers it
    pfm: np.ndarray  # (W, 4) base frequencies of the seqlets
    cwm: np.ndarray  # (W, 4) mean contributions of the bases present
    seqlets: pd.DataFrame  # example (row in the class's maps), start, end, revcomp

    def query_window(self, trim_ic: float) -> tuple[int, int] | None:
        """The PFM columns ``[start, end)`` TomTom compares: flanks below ``trim_ic`` bits
        trimmed (:func:`motifnet.motifs.pfm.trim`); None when no column is above it."""
        if trim_ic and not (information_content(self.pfm) > trim_ic).any():
            return None
        if not trim_ic:
            return 0, len(self.pfm)
        trimmed, start = trim(self.pfm, trim_ic, TRIM_PAD)
        return start, start + len(trimmed)


def tfmodisco(maps: ClassAttributions, settings: dict) -> dict[str, list]:
    """modisco-lite's TFMoDISco on one class's maps (the config's ``modisco`` ``settings``):
    its pattern objects by group (``pos_patterns``, ``neg_patterns``; empty when none)."""
    from modiscolite.tfmodisco import TFMoDISco

    positive, negative = TFMoDISco(
        one_hot=np.ascontiguousarray(maps.x.transpose(0, 2, 1), dtype=np.float32),
        hypothetical_contribs=np.ascontiguousarray(maps.hypothetical.transpose(0, 2, 1),
                                                   dtype=np.float32),
        max_seqlets_per_metacluster=settings["max_seqlets"],
        sliding_window_size=settings["window"], flank_size=settings["flank"],
        target_seqlet_fdr=settings["seqlet_fdr"], min_metacluster_size=settings["min_seqlets"],
        final_min_cluster_size=settings["min_pattern_seqlets"],
        n_leiden_runs=settings["leiden_runs"])
    return {"pos_patterns": positive or [], "neg_patterns": negative or []}


def missing_signs(maps: ClassAttributions, window: int) -> list[str]:
    """The signs ("positive", "negative") no ``window``-wide sum of contributions takes:
    TF-MoDISco sets a seqlet threshold per sign against a null of that sign, and cannot
    where one is missing (flat maps of a model that learned nothing, or one-signed maps)."""
    contributions = (maps.x * maps.hypothetical).sum(axis=1, dtype=np.float64)
    cumulative = np.cumsum(np.pad(contributions, ((0, 0), (1, 0))), axis=1)
    sums = cumulative[:, window:] - cumulative[:, :-window]
    return [sign for sign, present in (("positive", (sums > 0).any()),
                                       ("negative", (sums < 0).any())) if not present]


def scaled_settings(settings: dict, n_sequences: int) -> dict:
    """``settings`` with the seqlet minimums scaled to ``n_sequences`` (module docstring)."""
    scaled = dict(settings)
    for key, floor in SCALED_FLOORS.items():
        scaled[key] = max(floor, min(settings[key], n_sequences // SCALED_DIVISORS[key]))
    return scaled


def class_note(name: str, n_sequences: int, n_patterns: int, scaled: dict | None,
               missing: list[str] = ()) -> str:
    """What ``summary.tsv`` and the report say of a class with a small set, no pattern or
    maps TF-MoDISco cannot read (``missing`` signs, :func:`missing_signs`; empty otherwise)."""
    parts = []
    if n_sequences < SMALL_SET:
        parts.append(f"{n_sequences} sequences (< {SMALL_SET}: small set)")
    if missing:
        parts.append(f"no pattern: the attribution maps have no {' or '.join(missing)} "
                     "contributions, so TF-MoDISco cannot set its seqlet thresholds "
                     "(the model's output barely depends on the sequence)")
    elif scaled is not None:
        minimums = f"min_seqlets {scaled['min_seqlets']}, min_pattern_seqlets " \
                   f"{scaled['min_pattern_seqlets']}"
        parts.append(f"{'found' if n_patterns else 'no'} pattern{'s' * (n_patterns != 1)} "
                     f"with the minimums scaled to the set ({minimums})")
    elif not n_patterns:
        parts.append("TF-MoDISco found no pattern")
    return f"{name}: {'; '.join(parts)}" if parts else ""


def class_patterns(maps: ClassAttributions, settings: dict) -> tuple[dict[str, list], dict]:
    """TF-MoDISco on one class with the configured ``settings`` and, where they find nothing,
    again with :func:`scaled_settings`; the pattern groups and the class's record."""
    n = len(maps.ids)
    missing = missing_signs(maps, settings["window"])
    if missing:
        log.info("class %s: the attribution maps have no %s contributions; TF-MoDISco "
                 "cannot run on them", maps.class_name, " or ".join(missing))
        return {group: [] for group in SIGNS}, {
            "n_sequences": n, "settings": dict(settings), "scaled": False, "n_patterns": 0,
            "note": class_note(maps.class_name, n, 0, None, missing)}
    groups, used, scaled = tfmodisco(maps, settings), settings, None
    if not any(groups.values()):
        candidate = scaled_settings(settings, n)
        if candidate != settings:
            log.info("class %s: no pattern from %d sequences; again with the seqlet minimums "
                     "scaled to the set (min_seqlets %d, min_pattern_seqlets %d)",
                     maps.class_name, n, candidate["min_seqlets"],
                     candidate["min_pattern_seqlets"])
            groups, used, scaled = tfmodisco(maps, candidate), candidate, candidate
    found = sum(len(group) for group in groups.values())
    return groups, {"n_sequences": n, "settings": dict(used), "scaled": scaled is not None,
                    "n_patterns": found, "note": class_note(maps.class_name, n, found, scaled)}


def read_record(folder: str | os.PathLike) -> dict:
    """``modisco/modisco.json``: per class, its record (:func:`class_patterns`)."""
    return json.loads((Path(folder) / RECORD).read_text())


def save_modisco(path: str | os.PathLike, groups: dict[str, list], window: int) -> None:
    """Write modisco-lite's HDF5 results file, atomically."""
    from modiscolite.io import save_hdf5

    with atomic_path(path) as tmp:
        save_hdf5(tmp, groups["pos_patterns"] or None, groups["neg_patterns"] or None, window)


def read_modisco(path: str | os.PathLike, class_name: str) -> list[Pattern]:
    """The patterns of a modisco-lite HDF5 results file (positive ones first)."""
    import h5py

    patterns = []
    with h5py.File(path, "r") as results:
        for group, sign in SIGNS.items():
            if group not in results:
                continue
            names = sorted(results[group], key=lambda n: int(n.rsplit("_", 1)[-1]))
            for i, name in enumerate(names):
                data = results[group][name]
                seqlets = data["seqlets"]
                table = pd.DataFrame({key: seqlets[key][:] for key in
                                      ("example_idx", "start", "end", "is_revcomp")})
                pfm = data["sequence"][:]
                patterns.append(Pattern(
                    id=f"{file_stem(class_name)}.{group[:3]}{i}", class_name=class_name,
                    sign=sign, pfm=pfm / pfm.sum(axis=1, keepdims=True),
                    cwm=data["contrib_scores"][:], seqlets=table))
    return patterns


def pattern_rows(patterns: list[Pattern], trim_ic: float) -> pd.DataFrame:
    """``patterns.tsv`` rows of ``patterns``."""
    rows = []
    for p in patterns:
        window = p.query_window(trim_ic)
        rows.append({"class": p.class_name, "pattern": p.id, "sign": p.sign,
                     "n_seqlets": len(p.seqlets), "width": len(p.pfm),
                     "ic_bits": float(information_content(p.pfm).sum()),
                     "query_start": window[0] if window else None,
                     "query_end": window[1] if window else None})
    table = pd.DataFrame(rows, columns=PATTERN_COLUMNS)
    for column in ("query_start", "query_end"):
        table[column] = table[column].astype("Int64")
    return table


def seqlet_rows(pattern: Pattern, ids: np.ndarray, trim_ic: float) -> pd.DataFrame:
    """``seqlets.tsv`` rows of one pattern: its seqlets on their sequences (``ids``: the
    class's sequence ids by example index); ``core_*`` is where the trimmed query lies (the
    whole seqlet when the pattern has no query)."""
    s = pattern.seqlets
    first, last = pattern.query_window(trim_ic) or (0, len(pattern.pfm))
    revcomp = s["is_revcomp"].to_numpy(bool)
    start, end = s["start"].to_numpy(np.int64), s["end"].to_numpy(np.int64)
    return pd.DataFrame({
        "pattern": pattern.id, "class": pattern.class_name,
        "sequence": ids[s["example_idx"].to_numpy(np.int64)], "start": start, "end": end,
        "strand": np.where(revcomp, "-", "+"),
        "core_start": np.where(revcomp, end - last, start + first),
        "core_end": np.where(revcomp, end - first, start + last),
    }, columns=SEQLET_COLUMNS)


def query_motifs(patterns: list[Pattern], trim_ic: float) -> list[Motif]:
    """TomTom queries: each pattern's trimmed PFM (nsites: its seqlets)."""
    motifs = []
    for p in patterns:
        window = p.query_window(trim_ic)
        if window:
            motifs.append(Motif(p.id, "", p.pfm[window[0]:window[1]], nsites=len(p.seqlets)))
    return motifs


def read_pattern_table(path: str | os.PathLike) -> pd.DataFrame:
    """Read ``patterns.tsv`` (query columns as nullable integers)."""
    return pd.read_csv(path, sep="\t", dtype={"class": str, "pattern": str,
                                              "query_start": "Int64", "query_end": "Int64"})


def read_seqlets(path: str | os.PathLike) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", dtype={"class": str, "pattern": str, "sequence": str})


def warm_up(n: int = 300, length: int = 100, seed: int = 0) -> float:
    """Run TF-MoDISco once on made-up maps (a planted 10-mer carrying the contributions), so
    that its numba kernels are compiled into the cache (``NUMBA_CACHE_DIR``); seconds taken."""
    rng = np.random.default_rng(seed)
    codes = rng.integers(0, 4, size=(n, length))
    motif = rng.integers(0, 4, size=10)
    starts = rng.integers(0, length - len(motif), size=n)
    contribution = rng.normal(0, 0.01, size=(n, length))
    for row, start in enumerate(starts):
        codes[row, start:start + len(motif)] = motif
        contribution[row, start:start + len(motif)] += 1.0
    x = np.eye(4, dtype=np.float32)[codes].transpose(0, 2, 1)
    maps = ClassAttributions("warm", np.arange(n).astype(str), x,
                             (x * contribution[:, None, :]).astype(np.float32), "made-up",
                             "made-up", "")
    start = time.perf_counter()
    tfmodisco(maps, {"max_seqlets": 2000, "window": 20, "flank": 5, "seqlet_fdr": 0.05,
                     "min_seqlets": 100, "min_pattern_seqlets": 20, "leiden_runs": 2})
    seconds = time.perf_counter() - start
    log.info("TF-MoDISco ready in %.1f s (numba cache %s)", seconds,
             os.environ.get("NUMBA_CACHE_DIR", "the packages' __pycache__"))
    return seconds


def modisco_path(folder: str | os.PathLike, class_name: str) -> Path:
    return Path(folder) / f"{file_stem(class_name)}.h5"


@dataclass
class PatternOutputs:
    """The files of TF-MoDISco on one model: ``modisco/`` (one HDF5 per class),
    ``patterns.tsv``, ``seqlets.tsv`` and ``patterns.meme`` (the TomTom queries)."""

    modisco: str
    patterns: str
    seqlets: str
    meme: str


def find_model_patterns(attributions: str | os.PathLike, settings: dict, trim_ic: float,
                        outputs: PatternOutputs) -> pd.DataFrame:
    """TF-MoDISco on every class attributed in ``attributions``; writes ``outputs`` and
    returns ``patterns.tsv``. A class without patterns adds no row (it is logged and noted in
    ``modisco.json``); no patterns at all give empty, valid files.

    TF-MoDISco runs on numba's threads (``NUMBA_NUM_THREADS``; the rule sets it to its
    threads). Calling ``numba.set_num_threads`` instead would start numba's threading layer
    before modisco-lite forks the children that compile its kernels into the cache, which it
    then does not do: every job would compile them again (~12 s)."""
    Path(outputs.modisco).mkdir(parents=True, exist_ok=True)
    patterns, seqlets, record = [], [], {}
    for maps in load_classes(attributions):
        start = time.perf_counter()
        groups, record[maps.class_name] = class_patterns(maps, settings)
        path = modisco_path(outputs.modisco, maps.class_name)
        save_modisco(path, groups, maps.x.shape[-1])
        found = read_modisco(path, maps.class_name)
        patterns += found
        seqlets += [seqlet_rows(p, maps.ids, trim_ic) for p in found]
        log.info("class %s: %d sequences, %d patterns (%s) in %.1f s", maps.class_name,
                 len(maps.ids), len(found),
                 ", ".join(f"{p.sign}{len(p.seqlets)}" for p in found) or "none",
                 time.perf_counter() - start)
    if not patterns:
        log.info("TF-MoDISco found no patterns in any class")
    table = pattern_rows(patterns, trim_ic)
    write_tsv(outputs.patterns, table, float_format="%.6g")
    write_tsv(outputs.seqlets, pd.concat(seqlets) if seqlets
              else pd.DataFrame(columns=SEQLET_COLUMNS))
    write_meme(outputs.meme, query_motifs(patterns, trim_ic))
    write_json(Path(outputs.modisco) / RECORD, record)
    return table
