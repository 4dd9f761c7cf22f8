"""Rule warm_tomtom: compile the TomTom engine's numba kernels once into NUMBA_CACHE_DIR."""

import logging
import os
from pathlib import Path

from motifnet.rulescript import run


def main(smk):
    from motifnet.motifs.tomtom import resolve_engine, warm_up

    seconds = warm_up(smk.params.engine)
    logging.info("TomTom engine %s ready in %.1f s (numba cache %s)",
                 resolve_engine(smk.params.engine), seconds, os.environ.get("NUMBA_CACHE_DIR"))
    Path(smk.output[0]).write_text(f"{seconds:.1f}\n")


run(main, snakemake)  # noqa: F821
