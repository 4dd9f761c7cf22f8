"""Rounds on files: where a trial's result lies, the results of planned rounds, and the
planning job (it imports Optuna alone, so it stays quick).

A trial's result lies at ``<round folder>/trial<number>/<dataset>/result.json`` beside its
round's ``plan.json`` (:func:`result_path`); the planning job checks that every trial of the
earlier rounds has one before it plans.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from ..errors import InputError
from .space import read_space
from .study import plan_round, read_plan, read_results, write_plan

log = logging.getLogger(__name__)


def result_path(plan: str | os.PathLike, number: int, dataset: str) -> Path:
    """Where trial ``number`` of a round writes its result on ``dataset``."""
    return Path(plan).parent / f"trial{number}" / dataset / "result.json"


def results_of(plans: list[str], datasets: list[str]) -> list[dict]:
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
    previous = results_of(plans, datasets)
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
