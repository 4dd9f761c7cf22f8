"""Rule search_round: a round's trials, importances, decision tree, interaction, next space."""

from motifnet.rulescript import files_of, run
from motifnet.search.analysis import RoundOutputs, analyze_from_files


def main(smk):
    settings = dict(smk.params.settings)
    analyze_from_files(plan=smk.input.plan, earlier_plans=list(smk.input.earlier),
                       datasets=smk.config["search"][smk.wildcards.search]["datasets"],
                       narrow_mode=settings["narrow"], top_fraction=settings["top_fraction"],
                       seed=settings["seed"], out=files_of(RoundOutputs, smk.output))


run(main, snakemake)  # noqa: F821
