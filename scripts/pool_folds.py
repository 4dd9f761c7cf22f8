"""Rule pool_folds: the folds of a k-fold dataset into out-of-fold predictions and metrics."""

from motifnet.rulescript import run
from motifnet.train.folds import pool_folds


def main(smk):
    pool_folds(encoding=smk.input.encoding, metrics=list(smk.input.metrics),
               predictions=list(smk.input.predictions), models=list(smk.input.models),
               out_model=smk.output.model, out_metrics=smk.output.metrics,
               out_predictions=smk.output.predictions, out_plot=smk.output.plot)


run(main, snakemake)  # noqa: F821
