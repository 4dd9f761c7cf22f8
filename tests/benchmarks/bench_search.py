"""Architecture search: sequential narrowing against plain random search, and the search's
own overhead, through Snakemake on this machine.

Runs the search of ``config/search.yaml`` twice in one Snakemake run, with the same data,
rounds, trials and epochs: as configured (TPE, ``narrow: auto``) and as plain random search
(``sampler: random``, ``narrow: none``). Prints, per search, the best value of each objective
reached after each trial (in trial order), then per round the search's own time (planning and
analysis jobs, from Snakemake's benchmark files) beside the round's training time (the sum
of its trial jobs, and their wall-clock span). ``--retrain`` then trains the best
architecture by the first objective with the default config's training settings
(``config/config.yaml``) as an ordinary architecture and prints its test AUROC beside the
target (the best hand-made architecture of the default config, CNN-25, 0.977, minus 0.005).

Full run (config/search.yaml as it is; both searches in about 18 minutes on an idle 2-core
CPU, 24 on a loaded one, plus 1-3 for --retrain):

    PYTHONPATH=scripts .venv/bin/python tests/benchmarks/bench_search.py --retrain

Reduced run (``--reduced``: 3,000 sequences, 3 rounds x 4 trials of 2 epochs; 25 minutes on a
loaded 2-core machine):

    PYTHONPATH=scripts .venv/bin/python tests/benchmarks/bench_search.py --reduced
"""

from __future__ import annotations

import argparse
import copy
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml

REPO = Path(__file__).resolve().parents[2]
SNAKEMAKE = Path(sys.executable).parent / "snakemake"
TARGET_AUROC = 0.977 - 0.005


def configs(reduced: bool) -> dict:
    """config/search.yaml with its search twice: narrowing (as configured) and random."""
    config = yaml.safe_load((REPO / "config/search.yaml").read_text())
    (name, search), = config["search"].items()
    if reduced:
        for dataset in config["datasets"].values():
            dataset["synthetic"]["n_sequences"] = 3000
        search.update(rounds=3, trials_per_round=4)
        search["training"]["epochs"] = 2
    random = {**copy.deepcopy(search), "sampler": "random", "narrow": "none"}
    config["search"] = {f"{name}_narrowing": search, f"{name}_random": random}
    return config


def snakemake(workdir: Path, configfile: Path, cores: int, *targets: str) -> float:
    started = time.perf_counter()
    subprocess.run([str(SNAKEMAKE), "--snakefile", str(REPO / "workflow/Snakefile"),
                    "--directory", str(workdir), "--configfile", str(configfile),
                    "--cores", str(cores), *targets], check=True, cwd=REPO)
    return time.perf_counter() - started


def seconds(path: Path) -> float:
    return float(pd.read_csv(path, sep="\t")["s"].iloc[0])


def best_so_far(workdir: Path, search: str, objectives: list[str]) -> pd.DataFrame:
    trials = pd.read_csv(workdir / f"results/search/{search}/trials.tsv", sep="\t")
    trials = trials.sort_values("number").reset_index(drop=True)
    table = pd.DataFrame({"trials": range(1, len(trials) + 1)})
    for objective in objectives:
        table[objective] = trials[objective].cummax().ffill().to_numpy()
    table["failed"] = (trials["state"] != "complete").cumsum().to_numpy()
    return table


def overhead(workdir: Path, search: str, rounds: int) -> pd.DataFrame:
    """Per round: planning + analysis seconds, training seconds (sum of trial jobs) and the
    trials' wall-clock span, from the benchmark files and the jobs' file times."""
    rows = []
    bench = workdir / f"benchmarks/search/{search}"
    for r in range(1, rounds + 1):
        trial_files = sorted((bench / f"round{r}").glob("trial*/*.tsv"))
        results = list((workdir / f"results/search/{search}/round{r}").glob("trial*/*/result.json"))
        own = seconds(bench / f"round{r}/plan.tsv") + seconds(bench / f"round{r}/analysis.tsv")
        training = sum(seconds(f) for f in trial_files)
        ends = [p.stat().st_mtime for p in results]
        starts = [p.stat().st_mtime - seconds(f) for p, f in zip(sorted(results), trial_files)]
        wall = max(ends) - min(starts) if ends else 0.0
        rows.append({"round": r, "trials": len(trial_files), "search_s": round(own, 1),
                     "training_s (sum)": round(training, 1), "training_s (wall)": round(wall, 1),
                     "overhead / sum": f"{own / training:.1%}" if training else "n/a",
                     "overhead / wall": f"{own / wall:.1%}" if wall else "n/a"})
    rows.append({"round": "best", "search_s": round(seconds(bench / "best.tsv"), 1)})
    return pd.DataFrame(rows)


def retrain(workdir: Path, config: dict, search: str, cores: int) -> dict:
    """Train the search's best architecture (first objective) with config/config.yaml's
    training settings as an ordinary architecture; its test metrics."""
    best = yaml.safe_load((workdir / f"results/search/{search}/best.yaml").read_text())
    name, entry = next(iter(best["architectures"].items()))
    default = yaml.safe_load((REPO / "config/config.yaml").read_text())
    run = {"datasets": config["datasets"], "motif_db": config["motif_db"],
           "training": default["training"], "architectures": {name: entry}}
    configfile = workdir / "retrain.yaml"
    configfile.write_text(yaml.safe_dump(run, sort_keys=False))
    dataset = entry["datasets"][0]
    snakemake(workdir, configfile, cores, f"results/{dataset}/{name}/metrics.json")
    return {"architecture": name, **entry,
            **json.loads((workdir / f"results/{dataset}/{name}/metrics.json").read_text())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reduced", action="store_true", help="a few minutes' version")
    parser.add_argument("--retrain", action="store_true",
                        help="retrain the best architecture with the default training settings")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--workdir", type=Path, help="keep the run here (default: a temp dir)")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench_search."))
    workdir.mkdir(parents=True, exist_ok=True)
    config = configs(args.reduced)
    configfile = workdir / "config.yaml"
    configfile.write_text(yaml.safe_dump(config, sort_keys=False))
    searches = list(config["search"])
    wall = snakemake(workdir, configfile, args.cores,
                     *(f"results/search/{s}/best.yaml" for s in searches))
    print(f"\nworkdir {workdir}; both searches and their data in {wall / 60:.1f} min on "
          f"{args.cores} cores")
    for search in searches:
        spec = config["search"][search]
        print(f"\n== {search}: {spec['sampler']}, narrow {spec['narrow']}, {spec['rounds']} "
              f"rounds x {spec['trials_per_round']} trials, {spec['training']['epochs']} epochs")
        print("best validation value after each trial:")
        print(best_so_far(workdir, search, spec["objectives"]).to_string(index=False))
        print("the search's own jobs beside the training:")
        print(overhead(workdir, search, spec["rounds"]).to_string(index=False))
        for r in range(1, spec["rounds"]):
            narrowed = yaml.safe_load((workdir / f"results/search/{search}/round{r}/"
                                       "space.yaml").read_text())["narrowed"]
            print(f"after round {r}, fixed: " + (", ".join(
                f"{n['param']}={n.get('value', n.get('range'))} ({n['importance']})"
                for n in narrowed) or "nothing"))
        importances = pd.read_csv(workdir / f"results/search/{search}/round{spec['rounds']}/"
                                  "importances.tsv", sep="\t")
        print(f"importances of round {spec['rounds']}:")
        print(importances.to_string(index=False))
    if args.retrain:
        metrics = retrain(workdir, config, searches[0], args.cores)
        print(f"\nretrained {metrics['architecture']} ({metrics['params']}) with the default "
              f"training settings: test AUROC {metrics['auroc']:.4f} (target >= "
              f"{TARGET_AUROC:.3f}{', not comparable: reduced data' if args.reduced else ''})")


if __name__ == "__main__":
    main()
