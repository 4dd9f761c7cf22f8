"""Rule summarize: results/summary.tsv (every model), results/trials.tsv and trials.png (trials
beside the paper)."""

from motifnet.report.summary import SummaryOutputs, summarize
from motifnet.rulescript import files_of, run


def main(smk):
    summarize(smk.params.runs, smk.input.metrics, smk.params.motif_runs, smk.input.learned,
              smk.params.architectures, smk.params.synthetic,
              files_of(SummaryOutputs, smk.output))


run(main, snakemake)  # noqa: F821
