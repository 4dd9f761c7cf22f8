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
from .study import in_space, plan_round, read_plan, read_results, write_plan

log = logging.getLogger(__name__)


def result_path(plan: str | os.PathLike, number: int, dataset: str) -> Path:
    """Where trial ``number`` of a round writes its result on ``dataset``."""
    return Path(plan).parent / f"trial{number}" / dataset / "result.json"


def results_of(plans: list[str], datasets: list[str]) -> list[dict]:
    """The merged results of every trial of ``plans``; missing files are named."""
    paths = [result_path(p, t["number"], d) for p in plans for t in read_plan(p)["trials"]
             for d in datasets]
    return read_results(paths)


def forked_space(parent_space_file: str, own: dict) -> dict:
    """A fork's first space: its parent's ``space.yaml`` with the fork's own entries in
    place of the parent's (a one-value list fixes the parameter the fork is about)."""
    return {**read_space(parent_space_file), **own}


def plan_from_files(*, search: str, round_: int, settings: dict, space_file: str | None,
                    plans: list[str], datasets: list[str], plan: str,
                    fork: dict | None = None) -> dict:
    """Plan round ``round_`` (its space: the config's in round 1, else the previous round's
    ``space.yaml``) from the trials of the earlier ``plans``; write ``plan``.

    A fork (``fork``: ``search`` and ``round`` of the parent, ``plans``, the parent's plans up
    to that round, and ``space``, the ``space.yaml`` that round's analysis wrote) starts from
    the parent's space with its own entries (:func:`forked_space`), and its study holds the
    parent's trials that lie in its space, as if they were its own earlier rounds."""
    if round_ > 1 and space_file is None:
        raise InputError(f"round {round_} needs the space the analysis of round {round_ - 1} "
                         "wrote", hint="plan the rounds in order")
    if round_ > 1:
        space = read_space(space_file)
    else:
        space = forked_space(fork["space"], settings["space"]) if fork else settings["space"]
    earlier = [read_plan(p) for p in plans]
    if len(earlier) != round_ - 1:
        raise InputError(f"round {round_} is planned from the plans of rounds 1-{round_ - 1}, "
                         f"given {len(earlier)}", hint="pass every earlier round's plan.json")
    inherited = results_of(fork["plans"], datasets) if fork else []
    previous = inherited + results_of(plans, datasets)
    stopped = next((p["stopped"] for p in earlier if p["stopped"]), None)
    common = {"search": search, "round_": round_, "space": space, "previous": previous,
              "first_number": sum(len(p["trials"]) for p in earlier),
              "objectives": settings["objectives"], "sampler": settings["sampler"],
              "seed": settings["seed"]}
    result = plan_round(n_trials=0 if stopped else settings["trials_per_round"], **common)
    if stopped:
        result["stopped"] = stopped
    if fork:
        result["forked_from"] = {"search": fork["search"], "round": fork["round"],
                                 "trials": sum(in_space(r["params"], space) for r in inherited)}
    write_plan(plan, result)
    return result
