"""A round's plan and its trials' results (JSON files, owned here), and the Optuna study rebuilt
from them: no database, so trials can run as separate jobs on any file system.

Planning is ask-and-tell: the study is rebuilt from the completed and failed trials of earlier
rounds that lie in the round's space, then asked for the round's trials at once (TPE's
constant liar spreads them), with a sampler seeded from the search seed and the round, so a
rerun plans the same trials.
"""

from __future__ import annotations

import json
import logging
import math
import os
import random
from collections.abc import Iterable
from pathlib import Path

import optuna
from optuna.distributions import (
    BaseDistribution,
    CategoricalDistribution,
    FloatDistribution,
    IntDistribution,
)
from optuna.trial import FrozenTrial, TrialState

from ..errors import InputError
from ..io import write_json
from .space import fixed_values, searchable

log = logging.getLogger(__name__)
optuna.logging.set_verbosity(optuna.logging.WARNING)
MAX_ASKS = 10  # sampler proposals per planned trial before a new point is drawn at random
MAX_DRAWS = 1000

def distributions(space: dict) -> dict[str, BaseDistribution]:
    """Optuna distributions of the parameters the space leaves open (fixed ones excluded)."""
    found: dict[str, BaseDistribution] = {}
    kinds = searchable()
    for name, entry in space.items():
        if isinstance(entry, list):
            if len(entry) > 1:
                found[name] = CategoricalDistribution(entry)
        elif entry["low"] < entry["high"]:
            cls = IntDistribution if kinds[name].kind is int else FloatDistribution
            found[name] = cls(entry["low"], entry["high"], log=entry["log"])
    return found


def in_space(params: dict, space: dict) -> bool:
    """Whether a trial's parameters lie in ``space`` (fixed values equal, choices listed,
    ranges containing them)."""
    for name, entry in space.items():
        if name not in params:
            return False
        value = params[name]
        if isinstance(entry, list):
            if not any(value == choice and type(value) is type(choice) for choice in entry):
                return False
        elif not entry["low"] <= value <= entry["high"]:
            return False
    return True


# Files ----------------------------------------------------------------------------------

def write_plan(path: str | os.PathLike, plan: dict) -> None:
    """``plan.json``: the round, its space, its trials (number, parameters), why it stopped."""
    write_json(path, plan)


def read_plan(path: str | os.PathLike) -> dict:
    return json.loads(Path(path).read_text())


def write_result(path: str | os.PathLike, result: dict) -> None:
    """``result.json`` of one trial on one dataset: state (complete | fail), reason, values per
    objective, test metrics, seconds, parameters."""
    write_json(path, result)


def read_results(paths: Iterable[str | os.PathLike]) -> list[dict]:
    """Results per trial: one dict per trial number, values averaged over its datasets; a trial
    failed on any dataset failed. A missing file is an error naming every one missing."""
    paths = [Path(p) for p in paths]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise InputError(f"{len(missing)} trial result(s) of earlier rounds are missing: "
                         f"{', '.join(missing)}",
                         hint="run the earlier rounds' trials first (snakemake makes them "
                              "when asked for this round)")
    by_number: dict[int, list[dict]] = {}
    for path in paths:
        result = json.loads(path.read_text())
        by_number.setdefault(result["number"], []).append(result)
    merged = []
    for number, parts in sorted(by_number.items()):
        failed = [p for p in parts if p["state"] != "complete"]
        values = None if failed else {
            objective: sum(p["values"][objective] for p in parts) / len(parts)
            for objective in parts[0]["values"]}
        merged.append({
            "number": number, "round": parts[0]["round"], "params": parts[0]["params"],
            "state": "fail" if failed else "complete",
            "reason": "; ".join(f"{p['dataset']}: {p['reason']}" for p in failed),
            "values": values, "seconds": sum(p["seconds"] for p in parts),
            "datasets": [p["dataset"] for p in parts],
        })
    return merged


# The study ------------------------------------------------------------------------------

def rebuild(results: list[dict], space: dict, objectives: list[str],
            sampler: optuna.samplers.BaseSampler | None = None) -> optuna.Study:
    """A study holding the trials of ``results`` that lie in ``space`` (completed and failed),
    with the distributions of the parameters the space leaves open."""
    dists = distributions(space)
    study = optuna.create_study(directions=["maximize"] * len(objectives), sampler=sampler)
    for result in results:
        if not in_space(result["params"], space):
            continue
        params = {name: result["params"][name] for name in dists}
        values = result["values"]
        if values is not None and not all(math.isfinite(values[o]) for o in objectives):
            values = None
        study.add_trial(optuna.trial.create_trial(
            params=params, distributions=dists,
            values=None if values is None else [values[o] for o in objectives],
            state=TrialState.COMPLETE if values is not None else TrialState.FAIL,
            user_attrs={"number": result["number"]}))
    return study


def make_sampler(kind: str, seed: int, round_: int) -> optuna.samplers.BaseSampler:
    """TPE or random sampling, seeded by the search seed and the round. TPE samples at random
    only while no trial has completed (the first round explores, the later ones model the
    earlier ones), not for Optuna's first 10 trials, which would leave small rounds random."""
    seed = seed * 1000 + round_
    if kind == "random":
        return optuna.samplers.RandomSampler(seed=seed)
    return optuna.samplers.TPESampler(seed=seed, n_startup_trials=1)


def plan_round(*, search: str, round_: int, space: dict, previous: list[dict],
               first_number: int, n_trials: int, objectives: list[str], sampler: str,
               seed: int) -> dict:
    """The plan of round ``round_``: ``n_trials`` parameter sets asked of the rebuilt study
    (none when the space is a single point already tried: the search stops there)."""
    dists = distributions(space)
    plan = {"search": search, "round": round_, "space": space, "objectives": objectives,
            "sampler": sampler, "seed": seed, "trials": [], "stopped": None}
    fixed = fixed_values(space)
    if not dists:
        plan["stopped"] = (f"the space of round {round_} is a single point ({fixed}): nothing "
                           "is left to search, so the search stops before this round")
        log.warning("search %s: %s", search, plan["stopped"])
        return plan
    study = rebuild(previous, space, objectives, make_sampler(sampler, seed, round_))
    told = len(study.trials)
    seen = {_point(r["params"]) for r in previous}
    rng = random.Random(seed * 1000 + round_)
    repeats = 0
    for i in range(n_trials):
        params = _ask_new(study, dists, fixed, seen, rng)
        repeats += _point(params) in seen
        seen.add(_point(params))
        plan["trials"].append({"number": first_number + i, "params": params})
    log.info("search %s round %d: %d trials planned from %d earlier ones in this space "
             "(%d open parameters)%s", search, round_, n_trials, told, len(dists),
             f"; {repeats} repeat earlier trials (the space is nearly used up)" if repeats else "")
    return plan


def _point(params: dict) -> str:
    return json.dumps(params, sort_keys=True)


def _ask_new(study: optuna.Study, dists: dict, fixed: dict, seen: set[str],
             rng: random.Random) -> dict:
    """Parameters no earlier or planned trial has (a repeat would train the same model
    again): a repeat the sampler proposes is dropped (told as failed, which TPE ignores) and
    the sampler asked again, up to :data:`MAX_ASKS` times; then a point drawn at random from
    the space (TPE keeps proposing its best guess) is given to the study as the next trial.
    Only a space with no new point left repeats a trial."""
    for _ in range(MAX_ASKS):
        trial = study.ask(dists)
        params = {**fixed, **trial.params}
        if _point(params) not in seen:
            return params
        study.tell(trial, state=TrialState.FAIL)
    for _ in range(MAX_DRAWS):
        drawn = {name: _draw(dist, rng) for name, dist in dists.items()}
        if _point({**fixed, **drawn}) not in seen:
            break
    study.enqueue_trial(drawn)
    return {**fixed, **study.ask(dists).params}


def _draw(dist: BaseDistribution, rng: random.Random):
    if isinstance(dist, CategoricalDistribution):
        return rng.choice(dist.choices)
    low, high = (math.log(dist.low), math.log(dist.high)) if dist.log else (dist.low, dist.high)
    value = rng.uniform(low, high)
    value = math.exp(value) if dist.log else value
    return round(value) if isinstance(dist, IntDistribution) else value


def completed(study: optuna.Study) -> list[FrozenTrial]:
    return [t for t in study.trials if t.state == TrialState.COMPLETE]
