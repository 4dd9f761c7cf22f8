"""Rule search_best: all trials of a search in one table, and best.yaml."""

from motifnet.rulescript import run
from motifnet.search.best import best_from_files


def main(smk):
    best_from_files(search=smk.wildcards.search, datasets=list(smk.params.datasets),
                    objectives=list(smk.params.objectives), plans=list(smk.input.plans),
                    best=smk.output.best,
                    trials=smk.output.trials)


run(main, snakemake)  # noqa: F821
