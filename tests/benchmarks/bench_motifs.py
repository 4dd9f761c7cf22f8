"""Benchmark: annotate one model's first layer (filter PFMs + TomTom against JASPAR), after warm-up.

PFM extraction for 128 filters (k19) over 10,000 random 200-nt sequences, vectorised and beside a
naive per-sequence Python loop on the same activations; TomTom of the 128 PFMs against JASPAR2024
CORE vertebrates (879 motifs) with the builtin engine (Pearson, the default, and Euclidean) beside
memelite (Euclidean) in the same run; the named call against 10 shuffles per filter. Run from the
repository root:

    NUMBA_CACHE_DIR=$PWD/resources/numba_cache PYTHONPATH=scripts \
        .venv/bin/python tests/benchmarks/bench_motifs.py
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
os.environ.setdefault("NUMBA_CACHE_DIR", str(REPO / "resources" / "numba_cache"))
sys.path.insert(0, str(REPO / "scripts"))

import numpy as np
import torch

from motifnet.models.registry import build_model
from motifnet.motifs.database import export_jaspar
from motifnet.motifs.filters import base_codes, count_windows, extract_pfms, max_activations
from motifnet.motifs.logos import filter_vs_match, logo_grid
from motifnet.motifs.meme import read_meme
from motifnet.motifs.scoring import call_names, shuffled_controls
from motifnet.motifs.tomtom import run_tomtom, warm_up


def naive_counts(
    best: np.ndarray, position: np.ndarray, x: np.ndarray, width: int, offset: int, threshold: float
) -> np.ndarray:
    """Koo & Eddy's loop: per filter, per sequence, add the window one at a time."""
    n, filters = best.shape
    counts = np.zeros((filters, width, 4))
    for f in range(filters):
        cutoff = threshold * best[:, f].max()
        for i in range(n):
            start = position[i, f] - offset
            if (
                best[i, f] > cutoff
                and best[i, f] > 0
                and start >= 0
                and start + width <= x.shape[-1]
            ):
                counts[f] += x[i, :, start : start + width].T
    return counts


def timed(label: str, func, *args, **kwargs):
    start = time.perf_counter()
    result = func(*args, **kwargs)
    seconds = time.perf_counter() - start
    print(f"{label:<58s} {seconds:8.3f} s", flush=True)
    return result, seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sequences", type=int, default=10_000)
    parser.add_argument("--length", type=int, default=200)
    parser.add_argument("--filters", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    x = (
        np.eye(4, dtype=np.float32)[rng.integers(0, 4, (args.sequences, args.length))]
        .transpose(0, 2, 1)
        .copy()
    )
    model = build_model("promoter_cnn", 1, args.length, {"filters1": args.filters})
    print(f"torch threads {torch.get_num_threads()}, numba cache {os.environ['NUMBA_CACHE_DIR']}")
    print(f"{args.filters} filters (k19) x {args.sequences} sequences x {args.length} nt")

    with tempfile.TemporaryDirectory() as tmp:
        jaspar_path = Path(tmp) / "jaspar.meme"
        timed("export JASPAR2024 CORE vertebrates (once per workflow)", export_jaspar, jaspar_path)
        timed("warm-up: memelite numba compile / cache load", warm_up, "memelite")
        timed("warm-up: builtin numba compile / cache load", warm_up, "builtin")
        extract_pfms(model, x[:64])  # warm-up: torch kernels

        print("-- annotation of one model (after warm-up)")
        _, t_read = timed("read JASPAR MEME file (879 motifs)", read_meme, jaspar_path)
        result, t_extract = timed(
            "extract_pfms (forward + vectorised counts)", extract_pfms, model, x
        )
        queries = result.motifs()
        for engine, dist in (("memelite", "ed"), ("builtin", "ed")):
            timed(f"run_tomtom {len(queries)} queries x 879 targets ({engine}, {dist})",
                  run_tomtom, queries, jaspar_path, engine, dist, 5, 0.1)
        (table, engine), t_tomtom = timed(
            f"run_tomtom {len(queries)} queries x 879 targets (builtin, pearson)",
            run_tomtom,
            queries,
            jaspar_path,
            "builtin",
            "pearson",
            5,
            10.0,
        )
        print(f"{'TOTAL (read + extract + tomtom)':<58s} {t_read + t_extract + t_tomtom:8.3f} s")
        names = [f"{q.id}" for q in queries]
        timed(
            "logo_grid top 16 (PNG)",
            logo_grid,
            [q.pfm for q in queries],
            names,
            Path(tmp) / "grid.png",
        )
        if len(table):
            hit = table.iloc[0]
            target = next(m for m in read_meme(jaspar_path) if m.id == hit["target_id"])
            timed(
                "filter_vs_match, one figure (PNG)",
                filter_vs_match,
                queries[0].pfm,
                target.pfm,
                hit["orientation"],
                int(hit["offset"]),
                Path(tmp) / "match.png",
            )
        (null, _), _ = timed(
            "run_tomtom of 10 column-shuffled copies per filter (builtin)",
            run_tomtom,
            shuffled_controls(queries, 10),
            jaspar_path,
            "builtin",
            "pearson",
            5,
            10.0,
        )
        names, null_figures = call_names(table, null, queries, result.ids(), 10, min_ic=4.0)
        print(
            f"random-weight filters with E < 0.1: {names['significant'].mean():.3f}, named: "
            f"{names['named'].mean():.3f}; shuffled copies with E < 0.1: "
            f"{null_figures['fraction_significant']:.3f}, named: "
            f"{null_figures['fraction_named']:.3f}"
        )

        print("-- PFM counting alone, same activations")
        width, offset = model.layer_window("conv1")
        (best, position), _ = timed(
            "forward pass: max activations", max_activations, model, x, "conv1", 1024
        )
        start = position - offset
        keep = (
            (best > 0.7 * best.max(axis=0))
            & (best > 0)
            & (start >= 0)
            & (start + width <= x.shape[-1])
        )
        fast, t_fast = timed(
            "vectorised counting (bincount)", count_windows, base_codes(x), start, keep, width
        )
        slow, t_slow = timed(
            "naive per-sequence Python loop", naive_counts, best, position, x, width, offset, 0.7
        )
        assert np.array_equal(fast, slow), "vectorised and naive counts differ"
        print(
            f"counts identical; speed-up {t_slow / t_fast:.0f}x; {int(keep.sum())} windows counted"
        )
        print(
            f"significant matches (E < 0.1): {len(table)} rows, "
            f"{table['query'].nunique()} of {len(queries)} filters, engine {engine}"
        )


if __name__ == "__main__":
    main()
