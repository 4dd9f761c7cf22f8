"""Checks of the workflow config beyond what the JSON schema can say."""

from __future__ import annotations

from .errors import InputError


def _check_dataset(name: str, spec: dict, genomes: dict) -> None:
    key = f"datasets.{name}"
    if "synthetic" in spec:
        if spec["length"] != spec["synthetic"]["length"]:
            raise InputError(
                f"length {spec['length']} differs from synthetic.length "
                f"{spec['synthetic']['length']}", key=f"{key}.length",
                hint="use the generated sequence length",
            )
    elif spec["genome"] not in genomes:
        raise InputError(f"genome '{spec['genome']}' is not declared under genomes",
                         key=f"{key}.genome",
                         hint=f"add it to genomes (declared: {sorted(genomes) or 'none'})")
    split = spec["split"]
    if split["method"] == "chromosomes" and not split.get("test_chromosomes"):
        raise InputError("method chromosomes needs test_chromosomes", key=f"{key}.split",
                         hint="list the held-out test chromosomes")
    if split["method"] == "predefined" and "split_column" not in spec.get("intervals", {}):
        raise InputError("method predefined needs intervals.split_column", key=f"{key}.split",
                         hint="name the BED column that holds train/val/test")
    intervals = spec.get("intervals", {})
    if spec["task"] == "binary" and len(intervals.get("label_columns", [])) > 1:
        raise InputError("a binary task takes one label column",
                         key=f"{key}.intervals.label_columns",
                         hint="use task: multilabel for several label columns")


def check_config(config: dict) -> None:
    """Raise :class:`InputError` for a config that is valid JSON but inconsistent."""
    for name, spec in config["datasets"].items():
        _check_dataset(name, spec, config.get("genomes", {}))
