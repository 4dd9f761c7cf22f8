"""Run a rule script's main function with logging to the rule's log and clean input errors."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any, Callable

from .errors import InputError


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
