"""Rule summarize: results/summary.tsv (every model), results/trials.tsv and trials.png (trials
beside the paper)."""

from motifnet.report.summary import summarize
from motifnet.rulescript import run


def main(smk):
    summarize(smk.params.runs, smk.input.metrics, smk.params.motif_runs, smk.input.learned,
              smk.params.architectures, smk.params.synthetic, smk.output.summary,
              smk.output.table, smk.output.trials, smk.output.trials_figure)


run(main, snakemake)  # noqa: F821
