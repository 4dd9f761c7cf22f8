"""Koo & Eddy's Table 1 (seed 002) in one call on one GPU, from inputs prepared on a CPU.

Every variant of ``manifest.json`` (tests/gpu/prepare_table1.py: the splits, the JASPAR 2016
MEME file and the config's settings) is trained once per trial seed by the package's training job
(:func:`motifnet.train.job.train_on_slot`: several jobs share each GPU through its slot locks,
``--jobs-per-device``), its first-layer filter PFMs are extracted
(:func:`motifnet.motifs.filters.extract_filter_motifs`) and named with the builtin TomTom and
the calibrated call (:func:`motifnet.motifs.naming.name_filters`); ``trials.tsv`` then gives mean
+/- sd over the trials beside the paper's values, printed as Table 1. Before the trainings, the
promoter_cnn seconds per epoch at seed 000's size (27,097 x 251 nt) are measured with
``tests/benchmarks/bench_gpu.py``'s loop.

Jobs run trial by trial (every variant's first trial, then every second one...), so a call cut
short by ``--start-deadline-s`` (no job starts later) or ``--hard-deadline-s`` (running jobs are
stopped) still has whole variants; the table says how many trials each has.

Needs PyTorch, NumPy, pandas, scikit-learn, numba and matplotlib; nothing that imports
Snakemake, YAML, pyjaspar, bedtools or tangermeme. Without CUDA it stops with exit status 3,
unless ``--allow-cpu`` (or MOTIFNET_TABLE1_ALLOW_CPU=1) asks for a CPU run (the tiny test).
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "scripts"), str(REPO / "tests/benchmarks")]

PREPARE = ".venv/bin/python tests/gpu/prepare_table1.py"
ALLOW_CPU_ENV = "MOTIFNET_TABLE1_ALLOW_CPU"
INPUTS = ("manifest.json", "train.npz", "val.npz", "test.npz", "encoding.json")
NO_INPUTS, NO_CUDA, FAILED = 2, 3, 1
# What the printed table shows (trials.tsv has every column).
SHOWN = {
    "variant": "variant",
    "trials": "trials",
    "test_auroc": "test AUROC",
    "fraction_ground_truth": "ground truth (best)",
    "fraction_ground_truth_family": "ground truth (best, family)",
    "fraction_ground_truth_any_hit": "ground truth (any hit)",
    "fraction_ground_truth_significant": "ground truth (E < 0.1, no null)",
    "paper_fraction_ground_truth": "paper (ground truth)",
    "fraction_significant": "any JASPAR",
    "paper_fraction_any_jaspar": "paper (any JASPAR)",
    "fraction_named": "named",
    "fraction_named_shuffled": "shuffled null",
    "still_improving_at_cap": "still improving at the cap",
}


def check_inputs(folder: Path) -> dict:
    """The manifest, after checking every prepared input is there (exit 2 naming the command
    that prepares them otherwise)."""
    missing = [name for name in INPUTS if not (folder / name).is_file()]
    manifest = {}
    if not missing:
        manifest = json.loads((folder / "manifest.json").read_text())
        missing = [manifest["motif_db"]] if not (folder / manifest["motif_db"]).is_file() else []
    if missing:
        print(f"table1: prepared inputs missing in {folder}: {', '.join(missing)}\n"
              f"prepare them on a CPU with the workflow installed, then bring the folder:\n"
              f"    {PREPARE} --out {folder}", file=sys.stderr)
        sys.exit(NO_INPUTS)
    return manifest


def plan(manifest: dict, only: list[str] | None, trials: int | None) -> list[tuple[str, int]]:
    """(variant, seed) pairs, trial-major: every variant's first seed, then the second, ..."""
    chosen = {name: spec for name, spec in manifest["variants"].items()
              if not only or name in only}
    unknown = sorted(set(only or ()) - set(chosen))
    if unknown:
        sys.exit(f"table1: unknown variant(s) {unknown}; known: {sorted(manifest['variants'])}")
    seeds = {name: spec["seeds"][:trials] if trials else spec["seeds"]
             for name, spec in chosen.items()}
    rounds = max(len(s) for s in seeds.values())
    return [(name, s[k]) for k in range(rounds) for name, s in seeds.items() if k < len(s)]


def run_job(job: dict) -> dict:
    """Train one variant with one seed on a GPU slot, extract and name its filters (in a worker
    process); the job's log is ``logs/<arch>.log``."""
    if time.time() > job["start_deadline"]:
        return {**job, "skipped": True}
    out = Path(job["out"]) / "models" / job["arch"]
    out.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(level=logging.INFO, force=True,
                        filename=Path(job["out"]) / "logs" / f"{job['arch']}.log",
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from motifnet.motifs.filters import FilterOutputs, extract_filter_motifs
    from motifnet.motifs.naming import NamingOutputs, name_filters
    from motifnet.train.job import Outputs, train_on_slot

    inputs, spec = Path(job["inputs"]), job["spec"]
    started = time.time()
    outputs = Outputs(model=str(out / "model.pt"), history=str(out / "history.tsv"),
                      metrics=str(out / "metrics.json"), predictions=str(out / "predictions.tsv"),
                      curves=str(out / "curves.png"), roc=str(out / "roc.png"),
                      confusion=str(out / "confusion.png"))
    metrics = train_on_slot(gpus=job["gpus"], holds_gpu=True, train=str(inputs / "train.npz"),
                            val=str(inputs / "val.npz"), test=str(inputs / "test.npz"),
                            encoding=str(inputs / "encoding.json"), model_name=spec["model"],
                            params=spec["params"], cfg=job["cfg"], outputs=outputs, threads=1)
    trained = time.time()
    filters = FilterOutputs(pfms=str(out / "pfms"), table=str(out / "filters.tsv"),
                            meme=str(out / "filters.meme"))
    extract_filter_motifs(outputs.model, inputs / f"{job['motifs']['split']}.npz",
                          spec["motif_layers"], job["motifs"], filters)
    learned = name_filters(filters.meme, filters.table, inputs / job["motif_db"], job["tomtom"],
                           job["ground_truth"] or None,
                           NamingOutputs(matches=str(out / "tomtom.tsv"),
                                         names=str(out / "filter_names.tsv"),
                                         scores=str(out / "filters.json")), threads=1)
    return {**job, "metrics": metrics, "learned": learned, "train_s": trained - started,
            "name_s": time.time() - trained}


def promoter_benchmark(batches: list[int]) -> None:
    """promoter_cnn seconds per epoch at seed 000's size, motifnet's loop (bench_gpu.py)."""
    import torch
    from bench_gpu import PROMOTERS, best_epoch, random_split, settings, trainer

    n, length, outputs = PROMOTERS
    data, val = random_split(n, length, outputs, 0), random_split(512, length, outputs, 1)
    print(f"== promoter_cnn, {n:,} x {length} nt: seconds per epoch (motifnet's loop, best of 3)",
          flush=True)
    for batch in batches:
        for amp in (False, True):
            seconds = best_epoch(trainer("promoter_cnn", {}, data, val, settings(batch, amp),
                                         "binary").train_epoch)
            print(f"batch {batch:>5}, {'float16' if amp else 'float32'}: {seconds:.3f} s/epoch",
                  flush=True)
    del data, val
    torch.cuda.empty_cache()


def warm_tomtom() -> None:
    from motifnet.motifs.tomtom import warm_up

    warm_up("builtin")


def table(results: list[dict], manifest: dict, out: Path):
    """summary.tsv and trials.tsv of the finished jobs; the trials table."""
    import pandas as pd

    from motifnet.io import write_tsv
    from motifnet.report.summary import summary_row
    from motifnet.report.trials import trials

    rows = []
    for r in results:
        spec = r["spec"]
        arch_spec = {"model": spec["model"], "params": spec["params"],
                     "training": {**spec["training"], "seed": r["seed"]}}
        rows.append(summary_row(manifest["dataset"], r["arch"], arch_spec, r["metrics"],
                                r["learned"], synthetic=manifest["synthetic"]))
    summary = pd.DataFrame(rows)
    write_tsv(out / "summary.tsv", summary, float_format="%.4g")
    by_trials = trials(summary)
    by_trials.insert(0, "variant", [a.split(",")[0].rsplit("_t", 1)[0]
                                    for a in by_trials["architectures"]])
    write_tsv(out / "trials.tsv", by_trials, float_format="%.4g")
    return by_trials


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=Path, default=REPO / "tests/gpu/table1-inputs")
    parser.add_argument("--out", type=Path, default=Path(os.environ.get("OUT", "gpu-check")))
    parser.add_argument("--variants", nargs="*", help="variants to train (default: all)")
    parser.add_argument("--trials", type=int, help="trials per variant (default: all seeds)")
    parser.add_argument("--epochs", type=int, help="override the manifest's epochs (tests)")
    parser.add_argument("--jobs-per-device", type=int, default=12)
    parser.add_argument("--start-deadline-s", type=float, default=330.0,
                        help="no training starts later than this after the call began")
    parser.add_argument("--hard-deadline-s", type=float, default=470.0,
                        help="running jobs are stopped this long after the call began")
    parser.add_argument("--benchmark-batches", type=int, nargs="*", default=[64, 512])
    parser.add_argument("--allow-cpu", action="store_true",
                        help=f"run on the CPU without CUDA (tiny tests; or {ALLOW_CPU_ENV}=1)")
    args = parser.parse_args()
    began = time.time()
    manifest = check_inputs(args.inputs)
    import torch

    cuda = torch.cuda.is_available()
    allow_cpu = args.allow_cpu or os.environ.get(ALLOW_CPU_ENV) == "1"
    if not cuda and not allow_cpu:
        print("table1: no CUDA device here (torch.cuda.is_available() is False); this call "
              "trains dozens of models for 100 epochs and is meant for a GPU. For a tiny CPU "
              f"run pass --allow-cpu (or set {ALLOW_CPU_ENV}=1).", file=sys.stderr)
        return NO_CUDA
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "logs").mkdir(exist_ok=True)
    os.environ.setdefault("NUMBA_CACHE_DIR", str((args.out / "numba_cache").resolve()))
    context = multiprocessing.get_context("spawn")
    warming = context.Process(target=warm_tomtom)
    warming.start()  # compiles the builtin TomTom into the cache while the GPU trains
    if cuda and args.benchmark_batches:
        print(f"== {torch.cuda.get_device_name(0)}, torch {torch.__version__}", flush=True)
        promoter_benchmark(args.benchmark_batches)
    elif not cuda:
        print("== no CUDA: promoter_cnn benchmark skipped", flush=True)

    devices = list(range(torch.cuda.device_count())) if cuda else [0]
    gpus = {"devices": devices, "jobs_per_device": args.jobs_per_device, "cpu_only": not cuda,
            "lock_dir": str((args.out / ".gpu-locks").resolve())}
    training = dict(manifest["training"])
    if args.epochs:
        training["epochs"] = args.epochs
    jobs = []
    for variant, seed in plan(manifest, args.variants, args.trials):
        spec = manifest["variants"][variant]
        cfg = {**training, **spec["training"], "seed": seed, "device": "auto", "threads": 1}
        jobs.append({"variant": variant, "seed": seed, "arch": f"{variant}_t{seed}",
                     "spec": spec, "cfg": cfg, "gpus": gpus, "inputs": str(args.inputs),
                     "out": str(args.out), "motifs": manifest["motifs"],
                     "tomtom": manifest["tomtom"], "motif_db": manifest["motif_db"],
                     "ground_truth": manifest["ground_truth"],
                     "start_deadline": began + args.start_deadline_s})
    workers = min(len(jobs), len(devices) * args.jobs_per_device)
    print(f"== {len(jobs)} jobs ({len({j['variant'] for j in jobs})} variants), "
          f"{training['epochs']} epochs, {workers} at once on "
          f"{'GPU ' + ','.join(map(str, devices)) if cuda else 'the CPU'}", flush=True)
    results, failed = [], []
    pool = context.Pool(workers)
    pending = [(job, pool.apply_async(run_job, (job,))) for job in jobs]
    pool.close()
    while pending and time.time() < began + args.hard_deadline_s:
        time.sleep(1.0)
        for job, result in [p for p in pending if p[1].ready()]:
            pending.remove((job, result))
            try:
                done = result.get()
            except Exception as error:  # noqa: BLE001 - report every failed job, keep the rest
                failed.append(job["arch"])
                print(f"{job['arch']}: FAILED {type(error).__name__}: {error}", flush=True)
                continue
            if done.get("skipped"):
                continue
            results.append(done)
            m = done["metrics"]
            layer = next(iter(done["learned"]["layers"].values()), {})
            print(f"{done['arch']:<16} AUROC {m['auroc']:.3f}, best epoch {m['best_epoch']:>3} "
                  f"of {m['epochs_run']} ({m['stopped']}), {m['seconds_per_epoch']:.2f} s/epoch; "
                  f"ground truth {layer.get('ground_truth', {}).get('fraction', float('nan')):.3f};"
                  f" {done['train_s']:.0f} s training, {done['name_s']:.0f} s naming "
                  f"[{time.time() - began:.0f} s]", flush=True)
    cut = [job["arch"] for job, _ in pending]
    if cut:
        pool.terminate()
        print(f"hard deadline: {len(cut)} job(s) stopped or never started: {', '.join(cut)}")
    else:
        pool.join()
    skipped = len(jobs) - len(results) - len(failed) - len(cut)
    warming.terminate()
    if not results:
        print("table1: no model finished", file=sys.stderr)
        return FAILED
    import pandas as pd

    by_trials = table(results, manifest, args.out)
    shown = by_trials[[c for c in SHOWN if c in by_trials]].fillna("").rename(columns=SHOWN)
    with pd.option_context("display.width", 250, "display.max_columns", None):
        print(f"\n== Table 1 (Koo & Eddy 2019): fraction of first-layer filters, mean +/- sd over "
              f"trials; {len(results)} of {len(jobs)} models ({skipped} not started before the "
              f"deadline, {len(cut)} cut, {len(failed)} failed) in {time.time() - began:.0f} s")
        print(shown.to_string(index=False))
    print(f"\nfiles: {args.out}/trials.tsv, summary.tsv, models/<variant>_t<seed>/, logs/")
    return FAILED if failed else 0


if __name__ == "__main__":
    sys.exit(main())
