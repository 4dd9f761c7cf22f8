"""Rule search_plan: ask Optuna for one round's trials, from the trials of earlier rounds."""

from motifnet.rulescript import run
from motifnet.search.rounds import plan_from_files


def main(smk):
    spec = smk.config["search"][smk.wildcards.search]
    fork = spec.get("fork")
    plan_from_files(search=smk.wildcards.search, round_=int(smk.wildcards.round),
                    settings=dict(smk.params.settings), space_file=smk.input.get("space"),
                    plans=list(smk.input.get("plans", [])), datasets=spec["datasets"],
                    plan=smk.output.plan,
                    fork={**fork, "plans": list(smk.input.fork_plans),
                          "space": smk.input.fork_space} if fork else None)


run(main, snakemake)  # noqa: F821
