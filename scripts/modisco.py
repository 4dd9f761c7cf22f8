"""Rule modisco: TF-MoDISco patterns and seqlets of every attributed class, and the patterns'
trimmed PFMs as TomTom queries."""

import os

from motifnet.interpret.patterns import PatternOutputs, find_model_patterns
from motifnet.rulescript import files_of, run


def main(smk):
    os.environ.setdefault("NUMBA_NUM_THREADS", str(smk.threads))  # before numba is imported
    find_model_patterns(smk.input.attributions, dict(smk.params.modisco), smk.params.trim_ic,
                        files_of(PatternOutputs, smk.output))


run(main, snakemake)  # noqa: F821
