"""Training settings: defaults, precedence and type checks (no torch: the Snakefile imports it).

Precedence: :data:`DEFAULTS` < the config's ``training`` block < ``architectures.<arch>.training``.
"""

from __future__ import annotations

import numbers

from ..errors import InputError

DEFAULTS: dict = {
    "epochs": 20,
    "batch_size": 100,
    "lr": 1e-3,
    "weight_decay": 1e-5,
    "scheduler": "plateau",
    "patience": 5,
    "lr_patience": 2,
    "grad_clip": 1.0,
    "class_weighting": "none",
    "rc_augment": False,
    "amp": True,
    "bf16_cpu": False,
    "seed": 0,
    "device": "auto",
    "threads": 4,
    "mem_mb": 8000,
    "gpu": 1,
    "runtime": 240,
}
CHOICES = {
    "scheduler": ("plateau", "onecycle", "none"),
    "class_weighting": ("none", "pos_weight", "sampler"),
    "device": ("auto", "cuda", "mps", "cpu"),
}
MINIMUM = {"epochs": 1, "batch_size": 1, "weight_decay": 0, "patience": 1,
           "lr_patience": 0, "grad_clip": 0, "threads": 1, "mem_mb": 100, "gpu": 0, "runtime": 1}
# Scheduling resources: they change where and how fast a job runs, not what it learns.
RESOURCE_KEYS = ("threads", "mem_mb", "gpu", "runtime")


def _checked(key: str, value: object, where: str) -> object:
    """``value`` for training key ``key``, or InputError naming ``where.key``."""
    name = f"{where}.{key}"
    if key not in DEFAULTS:
        raise InputError(f"unknown training setting '{key}'", key=name,
                         hint=f"known settings: {', '.join(DEFAULTS)}")
    kind = type(DEFAULTS[key])
    if kind is float:
        ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    elif kind is int:
        ok = isinstance(value, numbers.Integral) and not isinstance(value, bool)
    else:
        ok = isinstance(value, kind)
    if not ok:
        expected = {float: "a number", int: "an integer", bool: "true or false",
                    str: "a string"}[kind]
        hint = ("YAML reads 1e-3 as text; write 1.0e-3"
                if kind is float and isinstance(value, str) else None)
        raise InputError(f"must be {expected}, got {value!r} ({type(value).__name__})", key=name,
                         hint=hint)
    value = kind(value)
    if key in CHOICES and value not in CHOICES[key]:
        raise InputError(f"is {value!r}; allowed: {', '.join(CHOICES[key])}", key=name)
    if key in MINIMUM and value < MINIMUM[key]:
        raise InputError(f"is {value}; it must be >= {MINIMUM[key]}", key=name)
    if key == "lr" and value <= 0:
        raise InputError(f"is {value}; it must be > 0", key=name)
    return value


def resolve_training(global_cfg: dict | None, arch_cfg: dict | None, *,
                     arch: str | None = None) -> dict:
    """Training settings of one architecture: DEFAULTS < config ``training`` < the
    architecture's ``training`` block (``architectures.<arch>.training``); every value checked."""
    resolved = dict(DEFAULTS)
    arch_where = f"architectures.{arch}.training" if arch else "architectures.<arch>.training"
    for where, given in (("training", global_cfg), (arch_where, arch_cfg)):
        for key, value in (given or {}).items():
            resolved[key] = _checked(key, value, where)
    return resolved


def learning_settings(cfg: dict) -> dict:
    """``cfg`` without the scheduling resources (the rule's params: what a change retrains)."""
    return {k: v for k, v in cfg.items() if k not in RESOURCE_KEYS}
