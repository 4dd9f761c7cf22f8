"""The search's result: every trial in one table and ``best.yaml``, the best trial per
objective as an ``architectures:`` entry to paste into a config."""

from __future__ import annotations

import logging

import yaml

from ..io import atomic_write, write_tsv
from .analysis import trials_table
from .rounds import results_of
from .space import split_params
from .study import read_plan

log = logging.getLogger(__name__)


def best_trials(results: list[dict], objectives: list[str]) -> dict[str, dict]:
    """The complete trial with the highest value of each objective (ties: the earlier)."""
    done = [r for r in results if r["state"] == "complete"]
    return {o: max(done, key=lambda r, o=o: (r["values"][o], -r["number"]))
            for o in (objectives if done else [])}


def write_best(*, search: str, datasets: list[str], results: list[dict],
               objectives: list[str], stopped: str | None, best: str, trials: str) -> dict:
    """Write ``trials`` (all rounds) and ``best`` (an ``architectures:`` entry per objective,
    named ``<search>-<objective>``; the same trial once). Returns the entries."""
    write_tsv(trials, trials_table(results, objectives), float_format="%.6g")
    entries: dict[str, dict] = {}
    notes = []
    for objective, trial in best_trials(results, objectives).items():
        name = f"{search}-{objective}"
        if any(e["_number"] == trial["number"] for e in entries.values()):
            notes.append(f"# best by {objective} too: trial {trial['number']}")
            continue
        model, training = split_params(trial["params"])
        entries[name] = {"_number": trial["number"], "model": "architect", "params": model,
                         **({"training": training} if training else {}),
                         "datasets": list(datasets)}
        values = ", ".join(f"{o} {trial['values'][o]:.4f}" for o in objectives)
        notes.append(f"# {name}: trial {trial['number']} (round {trial['round']}), "
                     f"validation {values}")
    n_failed = sum(r["state"] != "complete" for r in results)
    first = f"# Best architectures of search '{search}': {len(results)} trials, {n_failed} failed."
    header = [first, *notes]
    if stopped:
        header.append(f"# The search stopped early: {stopped}")
    if not entries:
        header.append("# No trial completed: nothing to paste (see trials.tsv for the reasons)")
    header.append("# Paste under architectures: in a config; the trials trained with the "
                  "search's training settings, a full run may train longer.")
    for entry in entries.values():
        entry.pop("_number")
    with atomic_write(best) as handle:
        handle.write("\n".join(header) + "\n")
        yaml.safe_dump({"architectures": entries}, handle, sort_keys=False,
                       default_flow_style=None, width=100)
    return entries


def best_from_files(*, search: str, datasets: list[str], objectives: list[str],
                    plans: list[str], best: str, trials: str) -> dict:
    """All trials of the search's ``plans`` in ``trials``; the best per objective in
    ``best``."""
    stopped = next((read_plan(p)["stopped"] for p in plans if read_plan(p)["stopped"]), None)
    return write_best(search=search, datasets=datasets, results=results_of(plans, datasets),
                      objectives=objectives, stopped=stopped, best=best, trials=trials)
