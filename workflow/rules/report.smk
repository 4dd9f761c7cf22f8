rule summarize:
    input:
        metrics=expand_runs("results/{dataset}/{arch}/metrics.json", model_runs()),
        learned=expand_runs("results/{dataset}/{arch}/learned.json", motif_runs()),
    output:
        summary=report(
            "results/summary.tsv",
            caption="../report/summary.rst",
            category="Summary",
            labels={"item": "all models (table)"},
        ),
        table=report(
            "results/summary.html",
            caption="../report/summary_table.rst",
            category="Summary",
            labels={"item": "all models"},
        ),
        trials=report(
            "results/trials.tsv",
            caption="../report/trials.rst",
            category="Summary",
            labels={"item": "trials and paper (table)"},
        ),
        trials_figure=report(
            "results/trials.png",
            caption="../report/trials_figure.rst",
            category="Summary",
            labels={"item": "trials and paper (figure)"},
        ),
    log:
        "logs/summarize.log",
    benchmark:
        "benchmarks/summarize.tsv"
    conda:
        "../../envs/motifs.yaml"
    params:
        runs=model_runs(),
        motif_runs=motif_runs(),
        architectures=config["architectures"],
        synthetic=datasets_of("synthetic"),
        version=__version__,
    script:
        "../../scripts/summarize.py"
