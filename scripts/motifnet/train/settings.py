"""Training settings: types, defaults, precedence (no torch: the Snakefile imports it).

Precedence: :data:`DEFAULTS` < the config's ``training`` block < ``architectures.<arch>.training``.
The defaults are the learning settings of ``config/config.yaml`` (lr 3e-3, reverse-complement
augmentation, patience 4), so a config of one's own trains as well as the default run does;
bfloat16 on CPUs stays off (it stalled DeepBind).
"""

from __future__ import annotations

from ..errors import InputError
from ..params import Param

SETTINGS: dict[str, Param] = {
    "epochs": Param(int, 20, low=1),
    "batch_size": Param(int, 100, low=1),
    "lr": Param(float, 3e-3, above=0),
    "weight_decay": Param(float, 1e-5, low=0),
    "optimizer": Param(str, "adamw", choices=("adamw", "adam", "sgd")),
    "scheduler": Param(str, "plateau", choices=("plateau", "onecycle", "none")),
    "select_on": Param(str, "val_auroc", choices=("val_auroc", "val_loss")),
    "patience": Param(int, 4, low=1),
    "lr_patience": Param(int, 2, low=0),
    "grad_clip": Param(float, 1.0, low=0),
    "class_weighting": Param(str, "none", choices=("none", "pos_weight", "sampler")),
    "loss": Param(str, "mse", choices=("mse", "poisson")),
    "standardize": Param(bool, True),
    "rc_augment": Param(bool, True),
    "amp": Param(bool, True),
    "bf16_cpu": Param(bool, False),
    "seed": Param(int, 0),
    "device": Param(str, "auto", choices=("auto", "cuda", "mps", "cpu")),
    "threads": Param(int, 4, low=1),
    "mem_mb": Param(int, 8000, low=100),
    "gpu": Param(int, 1, low=0),
    "runtime": Param(int, 240, low=1),
}
DEFAULTS = {key: param.default for key, param in SETTINGS.items()}
# Scheduling resources: they change where and how fast a job runs, not what it learns.
RESOURCE_KEYS = ("threads", "mem_mb", "gpu", "runtime")


def resolve_training(global_cfg: dict | None, arch_cfg: dict | None, *,
                     arch: str | None = None) -> dict:
    """Training settings of one architecture: DEFAULTS < config ``training`` < the
    architecture's ``training`` block (``architectures.<arch>.training``); every value checked."""
    resolved = dict(DEFAULTS)
    arch_where = f"architectures.{arch}.training" if arch else "architectures.<arch>.training"
    for where, given in (("training", global_cfg), (arch_where, arch_cfg)):
        for key, value in (given or {}).items():
            if key not in SETTINGS:
                raise InputError(f"unknown training setting '{key}'", key=f"{where}.{key}",
                                 hint=f"known settings: {', '.join(SETTINGS)}")
            resolved[key] = SETTINGS[key].check(key, value, "training setting", f"{where}.{key}")
    return resolved


# Settings that only regression reads: a classifier's params leave them out, so they retrain
# no classifier.
REGRESSION_KEYS = ("loss", "standardize")


def learning_settings(cfg: dict, task: str | None = None) -> dict:
    """``cfg`` without the scheduling resources (the rule's params: what a change retrains),
    and without the regression settings for a classification ``task``."""
    skipped = RESOURCE_KEYS if task in (None, "regression") else RESOURCE_KEYS + REGRESSION_KEYS
    return {k: v for k, v in cfg.items() if k not in skipped}
