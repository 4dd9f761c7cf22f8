rule unknown_dataset:
    """Matches targets under results/ that name no configured dataset, to say so clearly."""
    input:
        _refuse_unknown_dataset,
    output:
        "results/{name}/{path}",
    log:
        "logs/unknown_dataset/{name}/{path}.log",
    wildcard_constraints:
        # the lookahead ends at the slash that follows the name in "results/{name}/{path}"
        name="(?!(?:" + "|".join(map(re.escape, DATASETS)) + ")/)[^/]+",
    localrule: True
    conda:
        "../../envs/data.yaml"
    shell:
        "exit 1"
