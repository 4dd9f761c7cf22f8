"""TomTom motif comparison with three engines and one output table.

Engines: ``meme`` runs the MEME suite ``tomtom`` binary (the reference); ``builtin`` is this
package's NumPy/numba TomTom (:mod:`.tomtom_builtin`: Pearson or Euclidean, MEME's p-values);
``memelite`` calls ``memelite.tomtom`` in-process (Euclidean distance only); ``auto`` picks
``meme`` when ``tomtom`` is on PATH, else ``builtin``. Pearson correlation (``dist: pearson``) is
the default distance: Euclidean distance lets diffuse, low-information queries "match" long
targets (MEME's own ``-dist ed`` does the same).

Unified table (one row per query x target match with E-value <= the threshold, best first per
query): query, target_id, target_name, p_value, e_value, q_value, offset, overlap, orientation,
engine, flag.
``offset`` follows MEME: query column i is aligned with target column i + offset, the target read
on the strand given by ``orientation`` ("-": the target's reverse complement). ``flag`` notes a
p-value the engine reported outside (0, 1] and that was clamped.

The builtin and memelite engines compile numba kernels on first use (memelite ~80 s on one
core, builtin ~3 s). Every kernel is declared with ``cache=True``, so the machine code is cached
on disk; the cache goes to ``NUMBA_CACHE_DIR`` when set (the workflow and tests set it to
``resources/numba_cache``; it must be set before numba is imported), else into the packages' own
``__pycache__``. ``warm_up()`` compiles on a tiny input; later processes load the cache quickly.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import time
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from io import StringIO
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import false_discovery_control

from ..errors import InputError
from ..io import write_tsv
from .engines import DISTANCES, check_distance, check_engine
from .meme import Motif, read_meme, write_meme

# The unified TomTom table: its columns, in order, and their types.
COLUMNS = {
    "query": "object",
    "target_id": "object",
    "target_name": "object",
    "p_value": "float64",
    "e_value": "float64",
    "q_value": "float64",
    "offset": "int64",
    "overlap": "int64",
    "orientation": "object",
    "engine": "object",
    "flag": "object",
}
# The smallest p-value kept: engines report 0 on underflow (MEME prints < ~1e-38 as 0).
P_FLOOR = np.finfo(np.float64).tiny
MEME_BINARY = "tomtom"


def meme_available() -> bool:
    """True when the MEME suite's ``tomtom`` is on PATH."""
    return shutil.which(MEME_BINARY) is not None


def resolve_engine(engine: str = "auto", dist: str | None = None) -> str:
    """The engine ``engine`` stands for (auto -> meme if ``tomtom`` is on PATH, else builtin),
    checked to compute distance ``dist`` where one is given."""
    check_engine(engine) if dist is None else check_distance(engine, dist)
    if engine == "auto":
        return "meme" if meme_available() else "builtin"
    if engine == "meme" and not meme_available():
        raise InputError(
            "TomTom engine 'meme' needs the MEME suite's 'tomtom' on PATH, and it is not",
            key="tomtom.engine",
            hint="install the MEME suite (conda: bioconda::meme), or use engine "
            "'builtin' or 'auto'",
        )
    return engine


def run_tomtom(
    queries: Sequence[Motif],
    targets: Sequence[Motif] | str | os.PathLike,
    engine: str = "auto",
    dist: str = "pearson",
    min_overlap: int = 5,
    evalue_threshold: float = 0.1,
    work_dir: str | os.PathLike | None = None,
    threads: int | None = None,
) -> tuple[pd.DataFrame, str]:
    """Compare ``queries`` with ``targets`` (motifs or a MEME file); returns (table, engine used).

    ``work_dir`` holds the MEME engine's input files (a temporary directory when None);
    ``threads`` caps the builtin and memelite engines' threads (default: all cores).
    Database motifs narrower than ``min_overlap`` are skipped (counted in the log), so every
    engine compares the same targets.
    """
    used = resolve_engine(engine, dist)
    target_path = Path(targets) if isinstance(targets, (str, os.PathLike)) else None
    target_motifs = list(targets) if target_path is None else read_meme(target_path)
    usable = [m for m in target_motifs if m.width >= min_overlap]
    if len(usable) < len(target_motifs):
        logging.info(
            "TomTom: %d of %d database motifs are narrower than min_overlap %d and skipped",
            len(target_motifs) - len(usable), len(target_motifs), min_overlap,
        )
        target_motifs, target_path = usable, None
    if not target_motifs:
        raise InputError(
            f"no database motif is at least min_overlap={min_overlap} columns wide",
            key="tomtom.min_overlap",
        )
    if not queries:
        return empty_table(), used
    if used == "builtin":
        table = _run_builtin(list(queries), target_motifs, dist, min_overlap, threads)
    elif used == "memelite":
        table = _run_memelite(list(queries), target_motifs, min_overlap, threads)
    else:
        table = _run_meme(
            list(queries), target_motifs, target_path, dist, min_overlap, evalue_threshold, work_dir
        )
    return _finish(table, used, evalue_threshold), used


def write_matches(path: str | os.PathLike, table: pd.DataFrame) -> None:
    """Write the unified table as ``tomtom.tsv``, atomically."""
    write_tsv(path, table[list(COLUMNS)])


def empty_table() -> pd.DataFrame:
    """The unified table with no rows."""
    return pd.DataFrame({c: pd.Series(dtype=dtype) for c, dtype in COLUMNS.items()})


def _finish(table: pd.DataFrame, engine: str, evalue_threshold: float) -> pd.DataFrame:
    table = table[table["e_value"] <= evalue_threshold].copy()
    table["engine"] = engine
    order = {q: i for i, q in enumerate(pd.unique(table["query"]))}
    table["_rank"] = table["query"].map(order)
    # MEME's order: p-value, then the larger overlap, then '+' before '-', then target id.
    table = table.sort_values(
        ["_rank", "p_value", "overlap", "orientation", "target_id"],
        ascending=[True, True, False, True, True],
        kind="stable",
    )
    return table.drop(columns="_rank").astype(COLUMNS)[list(COLUMNS)].reset_index(drop=True)


def clamp_p_values(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """p clipped into [P_FLOOR, 1] (NaN -> 1) and a flag string where a value was changed."""
    raw = np.asarray(p, dtype=np.float64)
    clamped = np.clip(np.nan_to_num(raw, nan=1.0), P_FLOOR, 1.0)
    changed = (clamped != raw) | np.isnan(raw)
    flags = np.where(changed, np.char.add("p_clamped_from_", raw.astype(str)), "")
    return clamped, flags.astype(object)


# --------------------------------------------------------------------------- builtin


def _run_builtin(
    queries: list[Motif], targets: list[Motif], dist: str, min_overlap: int, threads: int | None
) -> pd.DataFrame:
    from . import tomtom_builtin

    target_set = tomtom_builtin.TargetSet([m.pfm for m in targets], [m.nsites for m in targets])

    def compare(query: Motif):
        pfm = tomtom_builtin.with_pseudocount(query.pfm, query.nsites)
        return tomtom_builtin.compare(pfm, target_set, dist, min_overlap)

    workers = max(1, threads or os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=min(workers, len(queries))) as pool:
        results = list(pool.map(compare, queries))
    n = len(targets)
    p = np.concatenate([r[0] for r in results])
    p_clamped, flags = clamp_p_values(p)
    return pd.DataFrame(
        {
            "query": np.repeat([q.id for q in queries], n),
            "target_id": np.tile([t.id for t in targets], len(queries)),
            "target_name": np.tile([t.name for t in targets], len(queries)),
            "p_value": p_clamped,
            "e_value": p_clamped * n,
            "q_value": false_discovery_control(p_clamped),
            "offset": np.concatenate([r[1] for r in results]),
            "overlap": np.concatenate([r[2] for r in results]),
            "orientation": np.where(np.concatenate([r[3] for r in results]) == 1, "-", "+"),
            "flag": flags,
        }
    )


# --------------------------------------------------------------------------- memelite


def _as_memelite(motifs: Sequence[Motif]) -> list[np.ndarray]:
    # One layout and dtype for every call (float64, C-ordered (4, W)): numba compiles (and caches)
    # one specialisation per layout, so warm_up() and real runs share it.
    return [np.ascontiguousarray(m.pfm.T, dtype=np.float64) for m in motifs]


def _memelite_raw(
    queries: list[np.ndarray], targets: list[np.ndarray], threads: int | None, quiet: bool = False
):
    import numba
    from memelite import tomtom

    n_jobs = -1 if threads is None else max(1, min(threads, numba.config.NUMBA_NUM_THREADS))
    with warnings.catch_warnings():
        if quiet:  # memelite warns below 25 targets (p-values then depend on the target set)
            warnings.simplefilter("ignore", UserWarning)
        return tomtom(queries, targets, n_jobs=n_jobs)


def _run_memelite(
    queries: list[Motif], targets: list[Motif], min_overlap: int, threads: int | None
) -> pd.DataFrame:
    p, _, offsets, overlaps, strands = _memelite_raw(
        _as_memelite(queries), _as_memelite(targets), threads
    )
    q_len = np.array([m.width for m in queries])[:, None]
    t_len = np.array([m.width for m in targets])[None, :]
    # memelite has no minimum overlap: a pair whose best alignment overlaps fewer columns than
    # MEME would require (min_overlap, or the shorter motif's width) is dropped.
    required = np.minimum(min_overlap, np.minimum(q_len, t_len))
    qi, ti = np.nonzero(overlaps >= required)
    p_clamped, flags = clamp_p_values(p[qi, ti])
    return pd.DataFrame(
        {
            "query": [queries[i].id for i in qi],
            "target_id": [targets[j].id for j in ti],
            "target_name": [targets[j].name for j in ti],
            "p_value": p_clamped,
            "e_value": p_clamped * len(targets),
            "q_value": false_discovery_control(p_clamped),
            "offset": offsets[qi, ti].astype(np.int64),
            "overlap": overlaps[qi, ti].astype(np.int64),
            "orientation": np.where(strands[qi, ti] > 0, "-", "+"),
            "flag": flags,
        }
    )


def warm_up(engine: str = "auto") -> float:
    """Compile (or load from NUMBA_CACHE_DIR) an engine's kernels on a tiny input; seconds taken.

    ``auto`` warms the builtin engine where MEME's ``tomtom`` is absent; ``meme`` needs none.
    """
    rng = np.random.default_rng(0)
    queries = [Motif(f"q{i}", "", rng.dirichlet(np.ones(4), size=8)) for i in range(2)]
    targets = [Motif(f"t{i}", "", rng.dirichlet(np.ones(4), size=10)) for i in range(30)]
    used = resolve_engine(engine)
    start = time.perf_counter()
    if used == "memelite":
        _memelite_raw(_as_memelite(queries), _as_memelite(targets), None, quiet=True)
    elif used == "builtin":
        for dist in DISTANCES:
            _run_builtin(queries, targets, dist, 5, 1)
    seconds = time.perf_counter() - start
    logging.info("TomTom engine %s ready in %.1f s (numba cache %s)", used, seconds,
                 os.environ.get("NUMBA_CACHE_DIR", "the packages' __pycache__"))
    return seconds


# --------------------------------------------------------------------------- MEME suite


def meme_command(
    query_file: Path, target_file: Path, dist: str, min_overlap: int, evalue_threshold: float
) -> list[str]:
    """The MEME ``tomtom`` command line (text output to stdout)."""
    return [
        MEME_BINARY,
        "-no-ssc",
        "-verbosity",
        "1",
        "-dist",
        dist,
        "-min-overlap",
        str(min_overlap),
        "-evalue",
        "-thresh",
        repr(float(evalue_threshold)),
        "-text",
        str(query_file),
        str(target_file),
    ]


def _run_meme(
    queries: list[Motif],
    targets: list[Motif],
    target_path: Path | None,
    dist: str,
    min_overlap: int,
    evalue_threshold: float,
    work_dir: str | os.PathLike | None,
) -> pd.DataFrame:
    with tempfile.TemporaryDirectory(dir=work_dir) as tmp:
        query_file = Path(tmp) / "queries.meme"
        write_meme(query_file, queries)
        if target_path is None:
            target_path = Path(tmp) / "targets.meme"
            write_meme(target_path, targets)
        command = meme_command(query_file, target_path, dist, min_overlap, evalue_threshold)
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(
            f"MEME tomtom failed (exit {result.returncode}): {' '.join(command)}\n"
            f"{result.stderr[-2000:]}"
        )
    return parse_meme_text(result.stdout, {m.id: m.name for m in targets})


def parse_meme_text(text: str, target_names: dict[str, str]) -> pd.DataFrame:
    """Rows of MEME ``tomtom -text`` output (its tomtom.tsv format) in the unified columns.

    MEME computes q-values per query (Storey's method); they are kept as MEME printed them.
    """
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    if not lines or not lines[0].startswith("Query_ID"):
        raise RuntimeError("MEME tomtom printed no 'Query_ID' header: " + text[:500])
    raw = pd.read_csv(
        StringIO("\n".join(lines)), sep="\t", dtype={"Query_ID": str, "Target_ID": str}
    )
    p, flags = clamp_p_values(raw["p-value"].to_numpy(dtype=np.float64))
    n_targets = len(target_names)
    return pd.DataFrame(
        {
            "query": raw["Query_ID"],
            "target_id": raw["Target_ID"],
            "target_name": raw["Target_ID"].map(target_names).fillna(""),
            "p_value": p,
            # MEME prints E = p x number of targets; recomputed from the clamped p where it was 0.
            "e_value": np.where(
                flags == "", raw["E-value"].to_numpy(dtype=np.float64), p * n_targets
            ),
            "q_value": raw["q-value"].to_numpy(dtype=np.float64),
            "offset": raw["Optimal_offset"].astype(np.int64),
            "overlap": raw["Overlap"].astype(np.int64),
            "orientation": raw["Orientation"].astype(str),
            "flag": flags,
        }
    )
