"""Where a workflow run's time goes, from what the run left in its working directory.

1. Wall time by phase, from the run's Snakemake log (each job's start and end, to the second):
   while a training job runs, while only other jobs run, and while no job runs (Snakemake
   itself: parsing, the DAG, scheduling).
2. Per rule, from Snakemake's ``benchmark:`` files: jobs, seconds in all, the slowest job, the
   largest resident memory.
3. Inside the training jobs: the training loop itself (``train_seconds`` of each
   ``metrics.json``) against the rest of the job (start-up, imports, data, test, plots).

    .venv/bin/python tests/benchmarks/run_phases.py [WORKDIR]   # default: this directory

It reads the newest log in WORKDIR/.snakemake/log/, so run it right after the run to measure.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from datetime import datetime
from pathlib import Path

import pandas as pd

_STAMP = re.compile(r"^\[(\w{3} \w{3} +\d+ \d\d:\d\d:\d\d \d{4})\]$")
_DATE = re.compile(r"^\s+Date: (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)$")
_RULE = re.compile(r"^(?:local)?rule (\w+):$")
_JOBID = re.compile(r"^\s+jobid: (\d+)$")
_FINISHED = re.compile(r"^Finished jobid: (\d+)")


def job_spans(log: Path) -> tuple[list[tuple[str, datetime, datetime]], datetime | None,
                                  datetime | None]:
    """(rule, start, end) of every finished job in a Snakemake log, and the run's start and
    the log's last time stamp."""
    stamps, starts, spans = [], {}, []
    rule = None
    for line in log.read_text().splitlines():
        if match := _DATE.match(line):  # the run's start, before the DAG is built
            stamps.append(datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S"))
        elif match := _STAMP.match(line):
            stamps.append(datetime.strptime(match.group(1), "%a %b %d %H:%M:%S %Y"))
        elif match := _RULE.match(line):
            rule = match.group(1)
        elif (match := _JOBID.match(line)) and rule:
            starts[match.group(1)] = (rule, stamps[-1])
            rule = None
        elif (match := _FINISHED.match(line)) and match.group(1) in starts:
            name, start = starts.pop(match.group(1))
            spans.append((name, start, stamps[-1]))
    return spans, (stamps[0] if stamps else None), (stamps[-1] if stamps else None)


def phases(spans: list[tuple[str, datetime, datetime]], first: datetime,
           last: datetime) -> dict[str, float]:
    """Seconds of the run while a training job runs, while only other jobs run, and while
    none runs."""
    events = sorted({first, last, *(t for _, start, end in spans for t in (start, end))})
    seconds: dict[str, float] = defaultdict(float)
    for begin, end in zip(events, events[1:]):
        running = {rule for rule, start, stop in spans if start <= begin and stop >= end}
        # a rule used from a module carries a prefix (motifnet_train)
        training = any(rule == "train" or rule.endswith("_train") for rule in running)
        phase = ("training jobs running" if training
                 else "only other jobs running" if running else "no job running")
        seconds[phase] += (end - begin).total_seconds()
    return seconds


def rule_table(workdir: Path) -> pd.DataFrame:
    rows = []
    for path in sorted((workdir / "benchmarks").rglob("*.tsv")):
        rule = path.relative_to(workdir / "benchmarks").parts[0].removesuffix(".tsv")
        table = pd.read_csv(path, sep="\t")
        rows.append({"rule": rule, "s": float(table["s"].iloc[0]),
                     "max_rss_mb": pd.to_numeric(table["max_rss"], errors="coerce").iloc[0]})
    frame = pd.DataFrame(rows)
    return frame.groupby("rule").agg(jobs=("s", "size"), seconds=("s", "sum"),
                                     slowest=("s", "max"), max_rss_mb=("max_rss_mb", "max"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workdir", nargs="?", default=".", type=Path)
    args = parser.parse_args()
    logs = sorted((args.workdir / ".snakemake" / "log").glob("*.snakemake.log"), reverse=True)
    # the newest run that ran jobs (a later --report or dry run leaves a log without any)
    for log in logs:
        spans, first, last = job_spans(log)
        if spans:
            break
    else:
        raise SystemExit(f"no Snakemake log of a run with jobs under {args.workdir}/.snakemake/log")
    wall = (last - first).total_seconds()
    print(f"{log.name}: {len(spans)} jobs, {wall:.0f} s from the start to the last entry")
    for phase, seconds in sorted(phases(spans, first, last).items(), key=lambda kv: -kv[1]):
        print(f"  {phase:<26} {seconds:>6.0f} s  {seconds / max(wall, 1):>4.0%}")
    table = rule_table(args.workdir)
    print("\nper rule (benchmark files):")
    print(table.sort_values("seconds", ascending=False).to_string(float_format="%.1f"))
    loop = sum(json.loads(p.read_text()).get("train_seconds", 0.0)
               for p in (args.workdir / "results").glob("*/*/metrics.json"))
    if "train" in table.index:
        jobs = table.loc["train", "seconds"]
        print(f"\ntrain jobs {jobs:.0f} s: training loop {loop:.0f} s, the rest "
              f"(start-up, data, test, plots) {jobs - loop:.0f} s")


if __name__ == "__main__":
    main()
