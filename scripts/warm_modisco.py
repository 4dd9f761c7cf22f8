"""Rule warm_modisco: compile TF-MoDISco's numba kernels into the shared cache."""

from pathlib import Path

from motifnet.interpret.patterns import warm_up
from motifnet.rulescript import run


def main(smk):
    warm_up()
    Path(smk.output[0]).write_text("")


run(main, snakemake)  # noqa: F821
