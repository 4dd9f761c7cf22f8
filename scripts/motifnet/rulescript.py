"""Run a rule script's main function with logging to the rule's log and clean input errors."""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import MISSING, fields
from pathlib import Path
from typing import Any, Callable, TypeVar

from .errors import InputError

Files = TypeVar("Files")


def files_of(cls: type[Files], named: Any) -> Files:
    """A dataclass of paths filled by name from a rule's ``input`` or ``output`` (a field with
    a default may be absent; a list of files becomes a tuple)."""
    values = {}
    for field in fields(cls):
        if field.name in named.keys():
            value = named[field.name]
            values[field.name] = value if isinstance(value, str) else tuple(value)
        elif field.default is MISSING:
            raise KeyError(f"rule file '{field.name}' is missing")
    return cls(**values)


def run(main: Callable[[Any], None], smk: Any) -> None:
    """Call ``main(smk)`` logging to ``smk.log[0]``; a bad input exits 1 with its message only.

    A rule with a ``numba_cache`` param compiles numba kernels into that folder (numba reads
    ``NUMBA_CACHE_DIR`` when it is first imported, which the package does only on use).
    """
    cache = getattr(smk.params, "numba_cache", None)
    if cache:
        os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(cache).resolve()))
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if smk.log:
        handlers.append(logging.FileHandler(smk.log[0], mode="w"))
    logging.basicConfig(level=logging.INFO, handlers=handlers, force=True,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        main(smk)
    except InputError as error:
        logging.getLogger(smk.rule).error("%s", error)
        sys.exit(1)
