"""Rule summarize: results/summary.tsv (every model), results/trials.tsv and trials.png (trials
beside the paper)."""

import json
import logging
from pathlib import Path

import pandas as pd
from motifnet.io import atomic_path
from motifnet.report.summary import summary_html, summary_row, trial_points, trials
from motifnet.rulescript import run
from motifnet.train.plots import plot_trials


def main(smk):
    learned = {(d, a): json.loads(Path(p).read_text())
               for (d, a), p in zip(smk.params.motif_runs, smk.input.learned)}
    rows = []
    for (dataset, arch), path in zip(smk.params.runs, smk.input.metrics):
        metrics = json.loads(Path(path).read_text())
        rows.append(summary_row(dataset, arch, smk.params.architectures[arch], metrics,
                                learned.get((dataset, arch)),
                                synthetic=dataset in smk.params.synthetic))
    summary = pd.DataFrame(rows)
    for path, table in ((smk.output.summary, summary), (smk.output.trials, trials(summary))):
        with atomic_path(path) as tmp:
            table.to_csv(tmp, sep="\t", index=False, float_format="%.4g")
    with atomic_path(smk.output.table) as tmp:
        Path(tmp).write_text(summary_html(summary))
    plot_trials(*trial_points(summary), smk.output.trials_figure)
    logging.info("%d models summarised", len(summary))


run(main, snakemake)  # noqa: F821
