"""Search spaces: the default (seed 004's Table 2 plus Koo & Eddy's first layer), their check
against the ``architect`` model and the training settings, and their Optuna distributions.

A space maps a parameter to a list of choices or to a range ``{low, high, log}``; a list of
one value fixes the parameter. Parameters are ``architect``'s or learning settings of
``training`` (lr, batch_size, weight_decay, grad_clip, ...). Imports nothing heavy: the
Snakefile checks spaces with it.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from ..errors import InputError
from ..io import atomic_write
from ..models.architect_spec import ArchitectSpec
from ..params import Param
from ..train.settings import RESOURCE_KEYS, SETTINGS

# What a trial is scored by (all maximised), read from its training job's outputs.
OBJECTIVES = {
    "auroc": "validation AUROC at the best epoch (macro over classes)",
    "auprc": "validation AUPRC at the best epoch (macro over classes)",
    "fraction_named": "calibrated named fraction of the first-layer filters (validation split)",
    "any_hit": "first-layer filters with a significant hit to an embedded motif (synthetic "
               "data; Koo & Eddy's any-hit fraction)",
}
# Objectives read from the trial's first-layer filters (a TomTom call in the trial job).
FILTER_OBJECTIVES = ("fraction_named", "any_hit")

# Table 2's learning rate scales times the default lr (3e-3).
_LR = [round(3e-3 * scale, 8) for scale in (0.03, 0.1, 0.3, 1.0, 2.0, 10.0)]

DEFAULT_SPACE: dict[str, list] = {
    # Koo & Eddy (seed 002): first-layer filter size, max-pool and relu|exp activation
    "kernel1": [3, 5, 7, 9, 19],
    "pool1": [1, 2, 4, 10, 25, 50],
    "activation": ["relu", "exp"],
    # Table 2 (residual blocks and convs after the reduction as counts from 0)
    "kernel": [3, 5, 7, 9],
    "nonlinearity": ["relu", "leaky_relu", "very_leaky_relu", "elu"],
    "conv_batchnorm": [True, False],
    "filters": [8, 16, 32, 64],
    "convs_before": [1, 2, 3, 4, 5],
    "residual_before": [0, 1, 2, 3, 4, 5],
    "reduction": ["none", "max", "mean", "strided"],
    "reduction_stride": [2, 4, 8],
    "convs_after": [0, 1, 2, 3, 4, 5],
    "residual_after": [0, 1, 2, 3, 4, 5],
    "rnn_layers": [0, 1, 2],
    "rnn_units": [16, 32, 64],
    "rnn_type": ["rnn", "lstm"],
    "bidirectional": [True, False],
    "global_reduction": ["none", "attention", "max", "mean"],
    "fc_layers": [0, 1, 2, 3],
    "fc_units": [64, 128, 256, 512, 1024],
    "fc_batchnorm": [True, False],
    "dropout": [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
    "grad_clip": [0.0, 1.0, 5.0, 15.0],
    "weight_decay": [0.0, 1e-3, 1e-4, 1e-5],
    "lr": _LR,
    "batch_size": [25, 50, 125, 250],
    "optimizer": ["adam", "sgd"],  # Adam, or SGD with Nesterov momentum
}


def searchable() -> dict[str, Param]:
    """Every parameter a space may name: architect's, then the learning settings."""
    learning = {k: p for k, p in SETTINGS.items() if k not in (*RESOURCE_KEYS, "device")}
    return {**ArchitectSpec.params, **learning}


def is_training(name: str) -> bool:
    """Whether a space parameter is a training setting (else a model parameter)."""
    return name not in ArchitectSpec.params


def check_space(space: dict, key: str) -> dict:
    """The space with every value checked; errors name ``<key>.<param>``."""
    known = searchable()
    checked: dict = {}
    for name, entry in space.items():
        where = f"{key}.{name}"
        if name not in known:
            raise InputError(f"unknown search parameter '{name}'", key=where,
                             hint=f"parameters of model architect and training settings: "
                                  f"{', '.join(sorted(known))}")
        spec = known[name]
        if isinstance(entry, list):
            if not entry:
                raise InputError(f"search parameter '{name}' has no choices", key=where,
                                 hint="list at least one value")
            values = [spec.check(name, value, "search parameter", where) for value in entry]
            if len(set(map(repr, values))) != len(values):
                raise InputError(f"search parameter '{name}' lists a value twice: {entry}",
                                 key=where, hint="list each choice once")
            checked[name] = values
        elif isinstance(entry, dict) and {"low", "high"} <= set(entry):
            if spec.kind not in (int, float) or spec.choices:
                raise InputError(f"search parameter '{name}' takes a list of choices, not a "
                                 "range", key=where, hint=f"e.g. [{spec.default}]")
            low, high = (spec.check(name, entry[b], "search parameter", where)
                         for b in ("low", "high"))
            if low > high:
                raise InputError(f"search parameter '{name}': low {low} is above high {high}",
                                 key=where, hint="swap them")
            log = bool(entry.get("log", False))
            if log and low <= 0:
                raise InputError(f"search parameter '{name}': a log range needs low > 0",
                                 key=where, hint="raise low, or set log: false")
            checked[name] = {"low": low, "high": high, "log": log}
        else:
            raise InputError(f"search parameter '{name}' must be a list of choices or "
                             f"{{low, high, log}}, got {entry!r}", key=where)
    return checked


def fixed_values(space: dict) -> dict:
    """The parameters a one-value list fixes, and their values."""
    return {k: v[0] for k, v in space.items() if isinstance(v, list) and len(v) == 1}


def is_single_point(space: dict) -> bool:
    """Whether nothing is left to search: every parameter fixed (ranges with low == high)."""
    return all(
        (isinstance(v, list) and len(v) == 1) or (isinstance(v, dict) and v["low"] == v["high"])
        for v in space.values()
    )


def split_params(values: dict) -> tuple[dict, dict]:
    """(model parameters, training settings) of one trial's values."""
    model = {k: v for k, v in values.items() if not is_training(k)}
    return model, {k: v for k, v in values.items() if is_training(k)}


def write_space(path: str | os.PathLike, space: dict, narrowed: list[dict], round_: int,
                mode: str) -> None:
    """``space.yaml``: the space of round ``round_ + 1`` (which a user may edit before it runs)
    and what the analysis of round ``round_`` fixed, and why."""
    header = (f"# The space of round {round_ + 1}, from the analysis of round {round_} "
              f"(narrow: {mode}).\n# Edit it before round {round_ + 1} runs to steer the "
              "search: a list of one value fixes a parameter.\n")
    if not narrowed:
        header += "# Nothing was fixed: " + (
            "narrow: none leaves the space to the sampler.\n" if mode == "none" else
            "no parameter dominated the top trials.\n")
    with atomic_write(path) as handle:
        handle.write(header)
        yaml.safe_dump({"space": space, "narrowed": narrowed}, handle, sort_keys=False,
                       default_flow_style=None, width=100)


def read_space(path: str | os.PathLike) -> dict:
    """The checked space of a ``space.yaml``; errors name the file and the parameter."""
    try:
        data = yaml.safe_load(Path(path).read_text())
    except yaml.YAMLError as error:
        raise InputError(f"not valid YAML: {error}", path=path,
                         hint="fix the file, or delete it to have its round analysed again")
    if not isinstance(data, dict) or not isinstance(data.get("space"), dict) or not data["space"]:
        raise InputError("has no 'space:' mapping of parameters", path=path,
                         hint="write space: {param: [choices], ...}")
    try:
        return check_space(data["space"], "space")
    except InputError as error:
        raise InputError(error.problem, path=path, key=error.key, hint=error.hint) from None
