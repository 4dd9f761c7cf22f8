"""The search's jobs on files: plan a round, analyse a round, write the best architectures.

A trial's result lies at ``<round folder>/trial<number>/<dataset>/result.json`` beside its
round's ``plan.json`` (:func:`result_path`); the planning job checks that every trial of the
earlier rounds has one before it plans.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from ..errors import InputError
from .analysis import RoundOutputs, analyze_round
from .best import write_best
from .space import read_space
from .study import plan_round, read_plan, read_results, write_plan

log = logging.getLogger(__name__)


def result_path(plan: str | os.PathLike, number: int, dataset: str) -> Path:
    """Where trial ``number`` of a round writes its result on ``dataset``."""
    return Path(plan).parent / f"trial{number}" / dataset / "result.json"


def _results_of(plans: list[str], datasets: list[str]) -> list[dict]:
    """The merged results of every trial of ``plans``; missing files are named."""
    paths = [result_path(p, t["number"], d) for p in plans for t in read_plan(p)["trials"]
             for d in datasets]
    return read_results(paths)


def plan_from_files(*, search: str, round_: int, settings: dict, space_file: str | None,
                    plans: list[str], datasets: list[str], plan: str) -> dict:
    """Plan round ``round_`` (its space: the config's in round 1, else the previous round's
    ``space.yaml``) from the trials of the earlier ``plans``; write ``plan``."""
    if round_ > 1 and space_file is None:
        raise InputError(f"round {round_} needs the space the analysis of round {round_ - 1} "
                         "wrote", hint="plan the rounds in order")
    space = settings["space"] if round_ == 1 else read_space(space_file)
    earlier = [read_plan(p) for p in plans]
    if len(earlier) != round_ - 1:
        raise InputError(f"round {round_} is planned from the plans of rounds 1-{round_ - 1}, "
                         f"given {len(earlier)}", hint="pass every earlier round's plan.json")
    previous = _results_of(plans, datasets)
    stopped = next((p["stopped"] for p in earlier if p["stopped"]), None)
    common = {"search": search, "round_": round_, "space": space, "previous": previous,
              "first_number": sum(len(p["trials"]) for p in earlier),
              "objectives": settings["objectives"], "sampler": settings["sampler"],
              "seed": settings["seed"]}
    result = plan_round(n_trials=0 if stopped else settings["trials_per_round"], **common)
    if stopped:
        result["stopped"] = stopped
    write_plan(plan, result)
    return result


def analyze_from_files(*, plan: str, datasets: list[str], earlier_plans: list[str],
                       narrow_mode: str, top_fraction: float, seed: int,
                       out: RoundOutputs) -> dict:
    """Analyse the round of ``plan`` with every trial of it and of ``earlier_plans``."""
    results = _results_of([*earlier_plans, plan], datasets)
    summary = analyze_round(plan=read_plan(plan), results=results, narrow_mode=narrow_mode,
                            top_fraction=top_fraction, seed=seed, out=out)
    for change in summary["narrowed"]:
        log.info("next round: %s", change)
    return summary


def best_from_files(*, search: str, datasets: list[str], objectives: list[str],
                    plans: list[str], best: str, trials: str) -> dict:
    """All trials of the search's ``plans`` in ``trials``; the best per objective in
    ``best``."""
    stopped = next((read_plan(p)["stopped"] for p in plans if read_plan(p)["stopped"]), None)
    return write_best(search=search, datasets=datasets, results=_results_of(plans, datasets),
                      objectives=objectives, stopped=stopped, best=best, trials=trials)
