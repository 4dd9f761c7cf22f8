"""Rule warm_tomtom: compile memelite's numba kernels once into NUMBA_CACHE_DIR."""

import logging
import os
from pathlib import Path

from motifnet.rulescript import run


def main(smk):
    from motifnet.tomtom import warm_up

    seconds = warm_up()
    logging.info("memelite ready in %.1f s (numba cache %s)", seconds,
                 os.environ.get("NUMBA_CACHE_DIR"))
    Path(smk.output[0]).write_text(f"{seconds:.1f}\n")


run(main, snakemake)  # noqa: F821
