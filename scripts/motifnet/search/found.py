"""The architectures a finished search found, added to the config's ``architectures`` so that
they train with the full training settings and go through the motif stages into the summary
like any other (``search.<name>.retrain``). Reads ``best.yaml`` with PyYAML alone: the
Snakefile calls it while it reads the config."""

from __future__ import annotations

from pathlib import Path

import yaml

from ..errors import InputError


def best_file(search: str) -> Path:
    """Where a search writes its best architectures (relative to the working directory)."""
    return Path("results/search") / search / "best.yaml"


def found_architectures(config: dict, workdir: str | Path = ".") -> dict[str, dict]:
    """``architectures:`` entries of the finished searches that ask to be retrained; an entry
    the config already has under the same name (pasted, perhaps edited) is left to it."""
    found: dict[str, dict] = {}
    for search, spec in config.get("search", {}).items():
        path = Path(workdir) / best_file(search)
        if not spec["retrain"] or not path.exists():
            continue
        entries = (yaml.safe_load(path.read_text()) or {}).get("architectures") or {}
        if not isinstance(entries, dict):
            raise InputError("architectures: is not a mapping", path=path,
                             hint="delete the file to have the search write it again")
        for name, entry in entries.items():
            if name not in config["architectures"]:
                found[name] = entry
    return found
