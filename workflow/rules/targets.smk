rule unknown_dataset:
    """Matches targets under results/ that name no configured dataset, to say so clearly."""
    input:
        _refuse_unknown_dataset,
    output:
        "results/{name}/{path}",
    log:
        "logs/unknown_dataset/{name}/{path}.log",
    wildcard_constraints:
        name="(?!(?:" + "|".join(map(re.escape, DATASETS)) + ")$)(?!summary)[^/]+",
    localrule: True
    conda:
        "../../envs/data.yaml"
    shell:
        "exit 1"
