"""Rule warm_tomtom: compile the TomTom engine's numba kernels once into NUMBA_CACHE_DIR."""

from pathlib import Path

from motifnet.motifs.tomtom import warm_up
from motifnet.rulescript import run


def main(smk):
    Path(smk.output[0]).write_text(f"{warm_up(smk.params.engine):.1f}\n")


run(main, snakemake)  # noqa: F821
