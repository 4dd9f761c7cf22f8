"""What a round shows, as seed 004's Genetic Architect does after each stage: the trials,
which parameters decide whether a trial lands in the top fraction (Optuna's PED-ANOVA with
the top fraction as target quantile, and fANOVA), a decision tree of top fraction vs rest
(its Fig. 4), the interaction of the two most important parameters, and the next round's
space (``narrow: auto`` fixes the dominant parameters to their best values)."""

from __future__ import annotations

import logging
import math
import os
import warnings
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import optuna
import pandas as pd
from optuna.importance import (
    FanovaImportanceEvaluator,
    PedAnovaImportanceEvaluator,
    get_param_importances,
)
from optuna.visualization import matplotlib as optuna_plots
from sklearn.tree import DecisionTreeClassifier, plot_tree

from ..io import save_figure, write_tsv
from .rounds import results_of
from .space import write_space
from .study import completed, in_space, read_plan, rebuild

log = logging.getLogger(__name__)
# narrow: auto fixes at most this many parameters per round, each with at least this many
# times the uniform share of the importance and one value held by most top trials
MAX_FIXED_PER_ROUND = 3
IMPORTANCE_FACTOR = 1.5


@dataclass
class RoundOutputs:
    """The files of a round's analysis (``results/search/<name>/round<r>/``)."""

    trials: str
    importances: str
    importances_plot: str
    tree: str
    interaction: str
    front: str
    space: str


def trials_table(results: list[dict], objectives: list[str]) -> pd.DataFrame:
    """One row per trial: number, round, state, reason, objectives, seconds, parameters."""
    rows = []
    for r in results:
        values = r["values"] or {}
        rows.append({"number": r["number"], "round": r["round"], "state": r["state"],
                     "reason": r["reason"],
                     **{o: values.get(o, math.nan) for o in objectives},
                     "seconds": r["seconds"], **r["params"]})
    return pd.DataFrame(rows)


def top_count(n_complete: int, top_fraction: float) -> int:
    """Trials in the top fraction: at least one, at most all but one."""
    return min(max(1, math.ceil(top_fraction * n_complete)), max(n_complete - 1, 1))


def importances(study: optuna.Study, objectives: list[str], top_fraction: float,
                seed: int) -> pd.DataFrame:
    """PED-ANOVA (target quantile = top fraction) and fANOVA importances per objective, one
    row per open parameter; empty with fewer than 3 complete trials."""
    done = completed(study)
    if len(done) < 3 or not study.trials[0].distributions:
        return pd.DataFrame(columns=["param"])
    table = pd.DataFrame({"param": list(study.trials[0].distributions)})
    for i, objective in enumerate(objectives):
        # with a target function, importances are of reaching low values: negate (maximised)
        target = (lambda t, i=i: -t.values[i]) if len(objectives) > 1 else None
        for label, evaluator in (
                ("ped_anova", PedAnovaImportanceEvaluator(target_quantile=top_fraction)),
                ("fanova", FanovaImportanceEvaluator(seed=seed))):
            with warnings.catch_warnings():  # the negated target is what we mean
                warnings.filterwarnings("ignore", message=".*low `target` values")
                scores = get_param_importances(study, evaluator=evaluator, target=target,
                                               normalize=True)
            table[f"{label}:{objective}"] = table["param"].map(scores).fillna(0.0)
    return table.sort_values(f"ped_anova:{objectives[0]}", ascending=False, ignore_index=True)


def narrow(space: dict, table: pd.DataFrame, importance: pd.DataFrame, objective: str,
           top_fraction: float) -> tuple[dict, list[dict]]:
    """The next round's space and what was fixed: the most important open parameters whose
    best value is held by most top-fraction trials (ranges: narrowed to the top trials'
    span), at most :data:`MAX_FIXED_PER_ROUND`; nothing while the top fraction holds fewer
    than 2 trials (one trial's choices are no pattern)."""
    done = table[table["state"] == "complete"].sort_values(objective, ascending=False)
    n_top = top_count(len(done), top_fraction)
    if importance.empty or n_top < 2:
        return dict(space), []
    top = done.head(n_top)
    uniform = 1.0 / len(importance)
    changed, new = [], dict(space)
    for _, row in importance.iterrows():
        name, score = row["param"], float(row[f"ped_anova:{objective}"])
        if len(changed) == MAX_FIXED_PER_ROUND or score < IMPORTANCE_FACTOR * uniform:
            break
        values = top[name].tolist()
        if isinstance(space[name], dict):
            low, high = min(values), max(values)
            new[name] = {**space[name], "low": low, "high": high}
            changed.append({"param": name, "range": [low, high], "importance": round(score, 3),
                            "why": f"the top {len(top)} trial(s) lie in this range"})
            continue
        best = top.iloc[0][name]
        share = values.count(best) / len(values)
        if share > 0.5:
            value = next(c for c in space[name] if c == best and type(c) is type(_native(best)))
            new[name] = [value]
            changed.append({"param": name, "value": value, "importance": round(score, 3),
                            "top_share": round(share, 3),
                            "why": f"PED-ANOVA importance {score:.2f} (uniform {uniform:.2f}); "
                                   f"{values.count(best)} of the top {len(top)} trials take it"})
    return new, changed


def _native(value):
    return value.item() if isinstance(value, np.generic) else value


def plot_tree_figure(table: pd.DataFrame, params: list[str], objectives: list[str],
                     top_fraction: float, path: str | os.PathLike, seed: int) -> None:
    """Seed 004 Fig. 4: per objective, a decision tree separating the top-fraction trials
    from the rest on the open parameters."""
    done = table[table["state"] == "complete"]
    fig, axes = plt.subplots(1, len(objectives), figsize=(9 * len(objectives), 6),
                             squeeze=False)
    for ax, objective in zip(axes[0], objectives):
        ax.set_axis_off()
        if len(done) < 3 or not params:
            ax.text(0.5, 0.5, f"{len(done)} complete trial(s): too few for a tree",
                    ha="center", transform=ax.transAxes)
            continue
        ranked = done.sort_values(objective, ascending=False)
        top = np.zeros(len(ranked), dtype=int)
        top[: top_count(len(ranked), top_fraction)] = 1
        features = pd.get_dummies(ranked[params].astype(
            {p: str for p in params if ranked[p].dtype == object or ranked[p].dtype == bool}),
            prefix_sep="=")
        tree = DecisionTreeClassifier(max_depth=3, min_samples_leaf=1, random_state=seed)
        tree.fit(features.to_numpy(dtype=float), top)
        plot_tree(tree, feature_names=list(features.columns),
                  class_names=["rest", f"top {top_fraction:.0%}"], filled=True, ax=ax,
                  impurity=False, proportion=False, fontsize=8)
        ax.set_title(f"{objective}: which choices put a trial in the top {top_fraction:.0%}")
    save_figure(fig, path)
    plt.close(fig)


def _message_figure(path: str | os.PathLike, text: str) -> None:
    fig, ax = plt.subplots(figsize=(6, 3))
    ax.set_axis_off()
    ax.text(0.5, 0.5, text, ha="center", va="center", wrap=True)
    save_figure(fig, path)
    plt.close(fig)


def _optuna_figure(path: str | os.PathLike, draw) -> None:
    with warnings.catch_warnings():  # experimental plots; a negated target is what we mean
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        warnings.filterwarnings("ignore", message=".*low `target` values")
        axes = draw()
    ax = axes.flat[0] if isinstance(axes, np.ndarray) else axes
    fig = ax.figure
    fig.set_size_inches(8, 6)
    save_figure(fig, path)
    plt.close(fig)


def analyze_round(*, plan: dict, results: list[dict], narrow_mode: str, top_fraction: float,
                  seed: int, out: RoundOutputs) -> dict:
    """Write the round's outputs. ``results`` are every trial so far; the analysis uses those
    in this round's space. Returns the next space and what was fixed."""
    space, objectives = plan["space"], plan["objectives"]
    numbers = {t["number"] for t in plan["trials"]}
    write_tsv(out.trials, trials_table([r for r in results if r["number"] in numbers],
                                          objectives), float_format="%.6g")
    here = [r for r in results if in_space(r["params"], space)]
    table = trials_table(here, objectives)
    study = rebuild(here, space, objectives)
    importance = importances(study, objectives, top_fraction, seed)
    write_tsv(out.importances, importance, float_format="%.4g")
    params = list(importance["param"]) if not importance.empty else []
    if importance.empty:
        for path in (out.importances_plot, out.interaction, out.front):
            _message_figure(path, f"{len(completed(study))} complete trial(s) in this "
                                      "space: too few to analyse")
    else:
        evaluator = PedAnovaImportanceEvaluator(target_quantile=top_fraction)
        _optuna_figure(out.importances_plot, lambda: optuna_plots.plot_param_importances(
            study, evaluator=evaluator, target=(lambda t: -t.values[0])
            if len(objectives) > 1 else None, target_name=objectives[0]))
        if len(params) >= 2:
            _optuna_figure(out.interaction, lambda: optuna_plots.plot_contour(
                study, params=params[:2], target=(lambda t: t.values[0])
                if len(objectives) > 1 else None, target_name=objectives[0]))
        else:
            _message_figure(out.interaction, "one open parameter: no interaction")
        if len(objectives) > 1:
            _optuna_figure(out.front, lambda: optuna_plots.plot_pareto_front(
                study, target_names=objectives[:3]))
        else:
            _optuna_figure(out.front, lambda: optuna_plots.plot_optimization_history(
                study, target_name=objectives[0]))
    plot_tree_figure(table, params, objectives, top_fraction, out.tree, seed)
    if narrow_mode == "auto":
        new_space, changed = narrow(space, table, importance, objectives[0], top_fraction)
    else:
        new_space, changed = dict(space), []
    write_space(out.space, new_space, changed, plan["round"], narrow_mode)
    return {"space": new_space, "narrowed": changed}


def analyze_from_files(*, plan: str, datasets: list[str], earlier_plans: list[str],
                       narrow_mode: str, top_fraction: float, seed: int,
                       out: RoundOutputs) -> dict:
    """Analyse the round of ``plan`` with every trial of it and of ``earlier_plans``."""
    results = results_of([*earlier_plans, plan], datasets)
    summary = analyze_round(plan=read_plan(plan), results=results, narrow_mode=narrow_mode,
                            top_fraction=top_fraction, seed=seed, out=out)
    for change in summary["narrowed"]:
        log.info("next round: %s", change)
    return summary
