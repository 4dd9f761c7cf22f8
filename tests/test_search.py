"""Architecture search: spaces and their config checks, planning from result files
(deterministic, failed trials told, trials outside the space left out), trials that fail,
the round analysis and narrowing, best.yaml; each bad input of the issue."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pandas as pd
import pytest
import torch
import yaml

from motifnet.config import check_config
from motifnet.errors import InputError
from motifnet.search.analysis import RoundOutputs, analyze_from_files, analyze_round, narrow
from motifnet.search.best import write_best
from motifnet.search.rounds import plan_from_files, result_path
from motifnet.search.space import DEFAULT_SPACE, check_space, read_space, write_space
from motifnet.search.study import plan_round, read_plan, write_result
from motifnet.search.trial import run_trial

from conftest import REPO
from planted import splits
from test_job import write_dataset

torch.set_num_threads(1)
SPACE = {"filters": [4, 8], "pool1": [1, 4], "activation": ["relu", "exp"],
         "kernel1": {"low": 5, "high": 15, "log": False}}


def search_config(**search) -> dict:
    """A validated config (schema defaults) with one search ``s`` on dataset ``d``."""
    from snakemake.utils import validate

    cfg = {"datasets": {"d": {"synthetic": {"n_sequences": 100}, "length": 200,
                              "task": "multilabel"}},
           "search": {"s": {"datasets": ["d"], **search}}}
    validate(cfg, schema=str(REPO / "workflow/schemas/config.schema.yaml"), set_default=True)
    return cfg


def test_the_default_space_is_checked_and_passes_the_config_check():
    cfg = search_config()
    check_config(cfg)
    assert cfg["search"]["s"]["rounds"] == 3 and cfg["search"]["s"]["objectives"] == ["auroc"]
    assert check_space(DEFAULT_SPACE, "x") == DEFAULT_SPACE


@pytest.mark.parametrize("search,key,pattern", [
    ({"space": {"pool2": [1, 2]}}, "search.s.space.pool2", "unknown search parameter 'pool2'"),
    ({"space": {"pool1": [1, 500]}}, "search.s.space.pool1",
     "500 cannot take the 200 nt sequences of dataset 'd'"),
    ({"space": {"reduction": ["max", "avg"]}}, "search.s.space.reduction", "'avg'"),
    ({"space": {"filters": []}}, "search.s.space.filters", "no choices"),
    ({"space": {"filters": [4, 4]}}, "search.s.space.filters", "twice"),
    ({"space": {"nonlinearity": {"low": 1, "high": 2}}}, "search.s.space.nonlinearity",
     "list of choices"),
    ({"space": {"lr": {"low": 0.1, "high": 0.01}}}, "search.s.space.lr", "above high"),
    ({"objectives": ["auroc", "beauty"]}, "search.s.objectives", "unknown objective 'beauty'"),
    ({"objectives": ["auroc", "auroc"]}, "search.s.objectives", "listed twice"),
    ({"datasets": ["nope"]}, "search.s.datasets", "dataset 'nope' is not declared"),
])
def test_bad_searches_stop_at_config_time_naming_the_key(search, key, pattern):
    with pytest.raises(InputError, match=pattern) as caught:
        check_config(search_config(**search))
    assert caught.value.key == key


@pytest.mark.parametrize("forks,key,pattern", [
    ({"s": {"search": "nope", "round": 1}}, "search.s.fork.search",
     "'nope' cannot be forked from"),
    ({"s": {"search": "s", "round": 1}}, "search.s.fork.search", "'s' cannot be forked from"),
    ({"s": {"search": "t", "round": 4}}, "search.s.fork.round", "has 3 rounds, not 4"),
    ({"s": {"search": "t", "round": 2}, "t": {"search": "s", "round": 1}}, "search.s.fork",
     "cycle: s -> t -> s"),
])
def test_bad_forks_stop_at_config_time_naming_the_key(forks, key, pattern):
    cfg = search_config(space=SPACE)
    cfg["search"]["t"] = {**cfg["search"]["s"]}
    for name, fork in forks.items():
        cfg["search"][name] = {**cfg["search"][name], "fork": fork}
    with pytest.raises(InputError, match=pattern) as caught:
        check_config(cfg)
    assert caught.value.key == key
    cfg = search_config(space=SPACE)
    cfg["search"]["t"] = {**cfg["search"]["s"], "objectives": ["auprc"],
                          "fork": {"search": "s", "round": 2}, "space": {"pool1": [4]}}
    with pytest.raises(InputError, match="keeps its parent's objectives"):
        check_config(cfg)
    cfg["search"]["t"]["objectives"] = ["auroc"]
    check_config(cfg)


@pytest.mark.parametrize("field", ["rounds", "trials_per_round"])
def test_zero_rounds_or_trials_are_refused_by_the_schema(field):
    from snakemake.exceptions import WorkflowError

    with pytest.raises(WorkflowError, match=rf"(?s){field}.*minimum"):
        search_config(**{field: 0})


def results_of(plan: dict, value) -> list[dict]:
    """Fake merged results of a plan's trials: ``value(params)`` or None (failed)."""
    out = []
    for trial in plan["trials"]:
        v = value(trial["params"])
        if v is not None:  # noise that no parameter explains
            v += 0.001 * ((trial["number"] * 7919) % 13)
        out.append({"number": trial["number"], "round": plan["round"], "params": trial["params"],
                    "state": "fail" if v is None else "complete",
                    "reason": "out of memory" if v is None else "",
                    "values": None if v is None else {"auroc": v}, "seconds": 1.0,
                    "datasets": ["d"]})
    return out


def planned(round_: int, space: dict, previous: list[dict], n: int = 8, **kw) -> dict:
    args = {"search": "s", "round_": round_, "space": space, "previous": previous,
            "first_number": len(previous), "n_trials": n, "objectives": ["auroc"],
            "sampler": "tpe", "seed": 3, **kw}
    return plan_round(**args)


def score(params: dict) -> float | None:
    """pool1 decides: 1 is good; filters 8 fail (as out of memory)."""
    if params["filters"] == 8 and params["activation"] == "exp":
        return None
    return 0.9 if params["pool1"] == 1 else 0.6


def test_plans_are_deterministic_and_rebuilt_only_from_trials_in_the_space():
    space = check_space(SPACE, "x")
    first = planned(1, space, [])
    assert first == planned(1, space, [])
    assert [t["number"] for t in first["trials"]] == list(range(8))
    previous = results_of(first, score)
    second = planned(2, space, previous)
    assert second == planned(2, copy.deepcopy(space), copy.deepcopy(previous))
    assert [t["number"] for t in second["trials"]] == list(range(8, 16))
    for trial in second["trials"]:
        assert check_space({k: [v] for k, v in trial["params"].items()}, "x")
        assert 5 <= trial["params"]["kernel1"] <= 15
    # a narrowed space: trials outside it are not told to the sampler, the fixed value is kept
    narrowed = {**space, "pool1": [1]}
    third = planned(3, narrowed, previous + results_of(second, score), sampler="random")
    assert {t["params"]["pool1"] for t in third["trials"]} == {1}


def test_a_space_narrowed_to_a_single_point_stops_the_search():
    plan = planned(2, {"filters": [4], "pool1": [1]}, [])
    assert plan["trials"] == [] and "single point" in plan["stopped"]


def test_planning_with_missing_trials_of_earlier_rounds_names_them(tmp_path):
    space = check_space(SPACE, "x")
    settings = {"space": space, "trials_per_round": 3, "objectives": ["auroc"],
                "sampler": "tpe", "seed": 0}
    plan1 = tmp_path / "round1/plan.json"
    plan_from_files(search="s", round_=1, settings=settings, space_file=None, plans=[],
                    datasets=["d"], plan=str(plan1))
    write_space(tmp_path / "round1/space.yaml", space, [], 1, "auto")
    first = read_plan(plan1)
    write_result(result_path(plan1, 0, "d"), {**results_of(first, lambda p: 0.7)[0],
                                              "dataset": "d"})
    with pytest.raises(InputError, match="2 trial result.*missing") as caught:
        plan_from_files(search="s", round_=2, settings=settings,
                        space_file=str(tmp_path / "round1/space.yaml"), plans=[str(plan1)],
                        datasets=["d"], plan=str(tmp_path / "round2/plan.json"))
    assert "round1/trial1/d/result.json" in str(caught.value)
    assert "round1/trial2/d/result.json" in str(caught.value)
    assert not (tmp_path / "round2/plan.json").exists()


def test_an_edited_space_file_is_checked_naming_the_file(tmp_path):
    path = tmp_path / "space.yaml"
    write_space(path, {"filters": [4, 8]}, [], 1, "none")
    assert read_space(path) == {"filters": [4, 8]}
    path.write_text("space: {filters: [4, 8], pool9: [1]}\n")
    with pytest.raises(InputError, match="unknown search parameter 'pool9'") as caught:
        read_space(path)
    assert caught.value.path == str(path)


def test_narrowing_fixes_the_dominant_parameter_and_says_so():
    space = check_space(SPACE, "x")
    plan = planned(1, space, [], n=16, sampler="random")
    results = results_of(plan, score)
    table = pd.DataFrame([{"state": r["state"], "auroc": (r["values"] or {}).get("auroc"),
                           **r["params"]} for r in results])
    from motifnet.search.analysis import importances
    from motifnet.search.study import rebuild

    importance = importances(rebuild(results, space, ["auroc"]), ["auroc"], 0.2, 0)
    assert importance.iloc[0]["param"] == "pool1"
    new, changed = narrow(space, table, importance, "auroc", 0.2)
    assert new["pool1"] == [1] and changed[0]["param"] == "pool1"
    assert "PED-ANOVA importance" in changed[0]["why"]


def round_outputs(folder: Path) -> RoundOutputs:
    return RoundOutputs(trials=str(folder / "trials.tsv"),
                        importances=str(folder / "importances.tsv"),
                        importances_plot=str(folder / "importances.png"),
                        tree=str(folder / "tree.png"), interaction=str(folder / "interaction.png"),
                        front=str(folder / "front.png"), space=str(folder / "space.yaml"))


def test_the_round_analysis_writes_every_output(tmp_path):
    space = check_space(SPACE, "x")
    plan = planned(1, space, [], n=10, sampler="random")
    results = results_of(plan, score)
    out = round_outputs(tmp_path)
    summary = analyze_round(plan=plan, results=results, narrow_mode="none", top_fraction=0.2,
                            seed=0, out=out)
    assert summary["narrowed"] == [] and summary["space"] == space
    trials = pd.read_csv(out.trials, sep="\t")
    assert len(trials) == 10 and set(trials["state"]) <= {"complete", "fail"}
    assert (trials.loc[trials["state"] == "fail", "reason"] == "out of memory").all()
    assert set(pd.read_csv(out.importances, sep="\t").columns) == {
        "param", "ped_anova:auroc", "fanova:auroc"}
    for path in (out.importances_plot, out.tree, out.interaction, out.front):
        assert Path(path).read_bytes()[:4] == b"\x89PNG", path
    assert yaml.safe_load(Path(out.space).read_text())["space"] == space


def test_best_yaml_is_a_pasteable_architectures_entry(tmp_path):
    plan = planned(1, check_space(SPACE, "x"), [], n=6, sampler="random")
    results = results_of(plan, score)
    entries = write_best(search="s", datasets=["d"], results=results, objectives=["auroc"],
                         stopped=None, best=str(tmp_path / "best.yaml"),
                         trials=str(tmp_path / "trials.tsv"))
    loaded = yaml.safe_load((tmp_path / "best.yaml").read_text())
    assert loaded["architectures"] == entries
    entry = entries["s-auroc"]
    assert entry["model"] == "architect" and entry["datasets"] == ["d"]
    cfg = search_config()
    cfg["architectures"] = {"found": entry}
    from snakemake.utils import validate

    validate(cfg, schema=str(REPO / "workflow/schemas/config.schema.yaml"), set_default=True)
    check_config(cfg)


@pytest.fixture(scope="module")
def planted_data(tmp_path_factory) -> dict[str, str]:
    return write_dataset(tmp_path_factory.mktemp("planted"), splits())


# the motif is planted on one strand
PLANTED_TRAINING = {"epochs": 4, "batch_size": 32, "lr": 1e-2, "rc_augment": False,
                    "threads": 1}


def trial_plan(tmp_path: Path, params: dict) -> str:
    plan = {"search": "s", "round": 1, "space": {}, "objectives": ["auroc"], "trials": [
        {"number": 0, "params": params}], "stopped": None}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    return str(path)


@pytest.mark.parametrize("params,reason", [
    ({"pool1": 100}, "too short"),  # the 60 nt sequences cannot take the pool
    ({"lr": 1.0e6, "grad_clip": 0.0, "filters": 4}, "diverged|not finite|NaN"),
    ({"filters": 8, "kernel1": 7, "convs_before": 1, "residual_before": 0,
      "global_reduction": "max", "fc_layers": 0}, None),
])
def test_a_trial_records_failure_with_its_reason_or_its_objectives(tmp_path, planted_data,
                                                                   params, reason):
    record = run_trial(plan=trial_plan(tmp_path, params), number=0, dataset="d",
                       data=planted_data, global_training=PLANTED_TRAINING,
                       search_training={"device": "cpu"},
                       gpus={"cpu_only": True, "devices": [0], "jobs_per_device": 1,
                             "lock_dir": str(tmp_path / "locks")},
                       holds_gpu=False, threads=1, result=str(tmp_path / "result.json"),
                       folder=str(tmp_path / "train"))
    assert json.loads((tmp_path / "result.json").read_text()) == record
    if reason is None:
        assert record["state"] == "complete" and 0.5 < record["values"]["auroc"] <= 1
        assert (tmp_path / "train/model.pt").exists()
    else:
        assert record["state"] == "fail" and record["values"] is None
        assert re.search(reason, record["reason"]), record["reason"]


@pytest.mark.parametrize("last_attempt,sent", [(True, "SIGKILL"), (False, "SIGKILL"),
                                              (True, "SIGTERM")])
def test_a_trial_the_system_kills_is_recorded_as_failed_on_its_last_attempt(
        tmp_path, planted_data, last_attempt, sent):
    """The training child gets a real SIGKILL mid-training (as from the out-of-memory killer):
    on the last attempt the trial is a failed trial; before it, the job fails (Snakemake
    retries it with more memory) and leaves no result. A SIGTERM (a cancelled run) never
    records a result."""
    import multiprocessing
    import os
    import signal
    import threading
    import time

    from motifnet.search.trial import Killed

    outcome = {}

    def trial():
        try:
            outcome["record"] = run_trial(
                plan=trial_plan(tmp_path, {"filters": 8, "kernel1": 7}), number=0,
                dataset="d", data=planted_data,
                global_training={**PLANTED_TRAINING, "epochs": 500, "patience": 500},
                search_training={"device": "cpu"},
                gpus={"cpu_only": True, "devices": [0], "jobs_per_device": 1,
                      "lock_dir": str(tmp_path / "locks")},
                holds_gpu=False, threads=1, result=str(tmp_path / "result.json"),
                folder=str(tmp_path / "train"), last_attempt=last_attempt)
        except Killed as error:
            outcome["error"] = error

    thread = threading.Thread(target=trial)
    thread.start()
    deadline = time.monotonic() + 120
    while not (tmp_path / "train/model.pt.resume").exists() and time.monotonic() < deadline:
        time.sleep(0.05)  # the child checkpoints after its first epoch
    (child,) = multiprocessing.active_children()
    os.kill(child.pid, getattr(signal, sent))
    thread.join(timeout=120)
    if last_attempt and sent == "SIGKILL":
        record = outcome["record"]
        assert record["state"] == "fail" and record["values"] is None
        assert record["reason"].startswith("killed by SIGKILL (most often the system's out-of")
        assert json.loads((tmp_path / "result.json").read_text()) == record
    else:
        assert "record" not in outcome and outcome["error"].signal == sent
        assert not (tmp_path / "result.json").exists()


def test_a_round_with_every_trial_failed_is_analysed_without_stopping(tmp_path):
    plan = planned(1, check_space(SPACE, "x"), [], n=3, sampler="random")
    plan_path = tmp_path / "round1/plan.json"
    plan_path.parent.mkdir()
    plan_path.write_text(json.dumps(plan))
    for r in results_of(plan, lambda p: None):
        write_result(result_path(plan_path, r["number"], "d"), {**r, "dataset": "d"})
    out = round_outputs(tmp_path)
    summary = analyze_from_files(plan=str(plan_path), datasets=["d"], earlier_plans=[],
                                 narrow_mode="auto", top_fraction=0.2, seed=0, out=out)
    assert summary["narrowed"] == []
    assert (pd.read_csv(out.trials, sep="\t")["state"] == "fail").all()


def test_the_filter_objectives_name_the_planted_motif_in_the_trial_job(tmp_path, planted_data):
    import numpy as np

    from motifnet.motifs.meme import Motif, write_meme

    from planted import MOTIF

    rng = np.random.default_rng(0)
    planted = np.eye(4)[["ACGT".index(b) for b in MOTIF]] * 0.97 + 0.0075
    decoys = [Motif(id=f"MA000{i}.1", name=f"DECOY{i}", pfm=rng.dirichlet([0.3] * 4, 8),
                    nsites=20) for i in range(1, 6)]
    db = tmp_path / "db.meme"
    write_meme(db, [Motif(id="MA0999.1", name="PLANT", pfm=planted, nsites=20), *decoys])
    plan = json.loads(Path(trial_plan(tmp_path, {
        "filters": 8, "kernel1": 7, "convs_before": 1, "residual_before": 0,
        "global_reduction": "max", "fc_layers": 0})).read_text())
    plan["objectives"] = ["auroc", "fraction_named", "any_hit"]
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    tomtom = {"engine": "builtin", "dist": "pearson", "min_overlap": 5, "evalue_threshold": 0.1,
              "fdr": 0.05, "min_ic": 4.0, "null_shuffles": 10, "null_seed": 0}
    motifs = {"mode": "threshold", "threshold": 0.7, "top_n": 100, "trim_ic": 0.5,
              "max_sequences": 1000}
    record = run_trial(plan=str(tmp_path / "plan.json"), number=0, dataset="d",
                       data=planted_data, global_training=PLANTED_TRAINING,
                       search_training={"device": "cpu"},
                       gpus={"cpu_only": True, "devices": [0], "jobs_per_device": 1,
                             "lock_dir": str(tmp_path / "locks")},
                       holds_gpu=False, threads=1, result=str(tmp_path / "result.json"),
                       folder=str(tmp_path / "train"),
                       naming={"motif_db": str(db), "motifs": motifs, "tomtom": tomtom,
                               "ground_truth": {"PLANT": "MA0999"}})
    values = record["values"]
    assert record["state"] == "complete" and values["auroc"] > 0.9
    # some of the 8 filters learn the planted motif, none is named a decoy
    assert 0 < values["any_hit"] <= values["fraction_named"] <= 1


def test_two_objectives_plan_and_analyse_with_a_pareto_front(tmp_path):
    space = check_space(SPACE, "x")
    objectives = ["auroc", "fraction_named"]
    first = planned(1, space, [], n=10, objectives=objectives)
    results = results_of(first, score)
    for r in results:  # first-layer pooling: accuracy the same, motifs whole only at pool1 4
        if r["values"]:
            r["values"] = {"auroc": 0.9 + r["values"]["auroc"] / 100,
                           "fraction_named": 0.6 if r["params"]["pool1"] == 4 else 0.1}
    second = planned(2, space, results, objectives=objectives)
    assert len(second["trials"]) == 8
    out = round_outputs(tmp_path)
    analyze_round(plan=first, results=results, narrow_mode="auto", top_fraction=0.2, seed=0,
                  out=out)
    importance = pd.read_csv(out.importances, sep="\t").set_index("param")
    assert importance["ped_anova:fraction_named"].idxmax() == "pool1"
    assert Path(out.front).read_bytes()[:4] == b"\x89PNG"
    assert list(pd.read_csv(out.trials, sep="\t").columns[4:6]) == objectives


def test_tpe_models_from_the_second_round_while_random_search_does_not():
    space = check_space(SPACE, "x")
    first = planned(1, space, [], n=4)
    assert first["trials"] == planned(1, space, [], n=4, sampler="random")["trials"]
    previous = results_of(first, score)
    assert planned(2, space, previous, n=4)["trials"] != planned(
        2, space, previous, n=4, sampler="random")["trials"]


def test_the_best_architectures_of_a_finished_search_join_the_config(tmp_path):
    from motifnet.search.found import found_architectures

    cfg = search_config()
    assert found_architectures(cfg, tmp_path) == {}  # not finished
    best = tmp_path / "results/search/s/best.yaml"
    best.parent.mkdir(parents=True)
    best.write_text(yaml.safe_dump({"architectures": {
        "s-auroc": {"model": "architect", "params": {"pool1": 4}, "datasets": ["d"]},
        "s-any_hit": {"model": "architect", "params": {"pool1": 1}, "datasets": ["d"]}}}))
    cfg["architectures"] = {"s-any_hit": {"model": "architect", "params": {"pool1": 2}}}
    assert list(found_architectures(cfg, tmp_path)) == ["s-auroc"]
    cfg["search"]["s"]["retrain"] = False
    assert found_architectures(cfg, tmp_path) == {}


def test_planning_never_repeats_an_earlier_or_planned_trial_while_new_points_remain():
    space = {"filters": [4, 8], "pool1": [1, 4], "activation": ["relu", "exp"]}  # 8 points
    first = planned(1, space, [], n=4)
    second = planned(2, space, results_of(first, lambda p: 0.9 if p["pool1"] == 1 else 0.6),
                     n=4)
    points = [json.dumps(t["params"], sort_keys=True)
              for t in first["trials"] + second["trials"]]
    assert len(set(points)) == 8
