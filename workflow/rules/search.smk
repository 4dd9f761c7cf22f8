# Architecture search (Genetic Architect, seed 004): per round, a planning job asks Optuna for
# the round's trials (a checkpoint: the trials are known once it ran), each trial trains as
# its own GPU-slotted job, and an analysis job writes the round's tables, figures and the
# next round's space.

TRIAL_RETRIES = 1


checkpoint search_plan:
    input:
        unpack(plan_inputs),
    output:
        plan="results/search/{search}/round{round}/plan.json",
    log:
        "logs/search/{search}/round{round}/plan.log",
    benchmark:
        "benchmarks/search/{search}/round{round}/plan.tsv"
    localrule: True
    conda:
        "../../envs/search.yaml"
    params:
        settings=search_settings,
    script:
        "../../scripts/search_plan.py"


rule search_trial:
    input:
        unpack(trial_naming_inputs),
        plan="results/search/{search}/round{round}/plan.json",
        train="results/{dataset}/data/train.npz",
        val="results/{dataset}/data/val.npz",
        test="results/{dataset}/data/test.npz",
        encoding="results/{dataset}/data/encoding.json",
    output:
        result="results/search/{search}/round{round}/trial{trial}/{dataset}/result.json",
        training=directory(
            "results/search/{search}/round{round}/trial{trial}/{dataset}/train"
        ),
    log:
        "logs/search/{search}/round{round}/trial{trial}/{dataset}.log",
    benchmark:
        "benchmarks/search/{search}/round{round}/trial{trial}/{dataset}.tsv"
    # a trial the system kills fails its job once (retried with doubled memory and time), and
    # is recorded as a failed trial on the last attempt
    retries: TRIAL_RETRIES
    conda:
        "../../envs/search.yaml"
    threads: lambda wildcards: search_training(wildcards.search)["threads"]
    resources:
        gpu=search_gpu_slots,
        # doubled on a retry, as for train (a trial that runs out of memory inside is recorded
        # as failed at once)
        mem_mb=lambda wildcards, attempt: search_training(wildcards.search)["mem_mb"]
        * attempt,
        runtime=lambda wildcards, attempt: search_training(wildcards.search)["runtime"]
        * attempt,
        # read by the script (the last attempt records a killed trial as failed)
        attempt=lambda wildcards, attempt: attempt,
    params:
        # learning settings only (a change retrains the trials); the trial's own come from
        # its plan
        training=lambda wildcards: learning_settings(search_training(wildcards.search)),
        ground_truth=ground_truth,
        numba_cache=NUMBA_CACHE,
        retries=TRIAL_RETRIES,
    script:
        "../../scripts/search_trial.py"


rule search_round:
    input:
        unpack(round_inputs),
    output:
        trials=report(
            "results/search/{search}/round{round}/trials.tsv",
            caption="../report/search_trials.rst",
            category="Search",
            subcategory="{search}",
            labels={"round": "{round}", "figure": "trials (table)"},
        ),
        importances="results/search/{search}/round{round}/importances.tsv",
        importances_plot=report(
            "results/search/{search}/round{round}/importances.png",
            caption="../report/search_importances.rst",
            category="Search",
            subcategory="{search}",
            labels={"round": "{round}", "figure": "importances"},
        ),
        tree=report(
            "results/search/{search}/round{round}/tree.png",
            caption="../report/search_tree.rst",
            category="Search",
            subcategory="{search}",
            labels={"round": "{round}", "figure": "decision tree"},
        ),
        interaction=report(
            "results/search/{search}/round{round}/interaction.png",
            caption="../report/search_interaction.rst",
            category="Search",
            subcategory="{search}",
            labels={"round": "{round}", "figure": "interaction"},
        ),
        front=report(
            "results/search/{search}/round{round}/front.png",
            caption="../report/search_front.rst",
            category="Search",
            subcategory="{search}",
            labels={"round": "{round}", "figure": "front / history"},
        ),
        space="results/search/{search}/round{round}/space.yaml",
    log:
        "logs/search/{search}/round{round}/analysis.log",
    benchmark:
        "benchmarks/search/{search}/round{round}/analysis.tsv"
    localrule: True
    conda:
        "../../envs/search.yaml"
    params:
        settings=search_settings,
    script:
        "../../scripts/search_round.py"


rule search_best:
    input:
        spaces=lambda wildcards: expand(
            "results/search/{{search}}/round{round}/space.yaml",
            round=range(1, search_spec(wildcards.search)["rounds"] + 1),
        ),
        plans=lambda wildcards: expand(
            "results/search/{{search}}/round{round}/plan.json",
            round=range(1, search_spec(wildcards.search)["rounds"] + 1),
        ),
        results=lambda wildcards: search_trials(
            wildcards, range(1, search_spec(wildcards.search)["rounds"] + 1)
        ),
    output:
        best=report(
            "results/search/{search}/best.yaml",
            caption="../report/search_best.rst",
            category="Search",
            subcategory="{search}",
            labels={"round": "all", "figure": "best architectures"},
        ),
        trials="results/search/{search}/trials.tsv",
    log:
        "logs/search/{search}/best.log",
    benchmark:
        "benchmarks/search/{search}/best.tsv"
    localrule: True
    conda:
        "../../envs/search.yaml"
    params:
        datasets=lambda wildcards: search_spec(wildcards.search)["datasets"],
        objectives=lambda wildcards: search_spec(wildcards.search)["objectives"],
    script:
        "../../scripts/search_best.py"
