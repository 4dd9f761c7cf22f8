"""Rule search_trial: train one trial of a round on one dataset (as the train rule does)."""

from motifnet.rulescript import run
from motifnet.search.trial import run_trial


def main(smk):
    spec = smk.config["search"][smk.wildcards.search]
    run_trial(plan=smk.input.plan, number=int(smk.wildcards.trial),
              dataset=smk.wildcards.dataset,
              data={k: smk.input[k] for k in ("train", "val", "test", "encoding")},
              global_training=smk.config["training"],
              search_training=spec.get("training") or {}, gpus=smk.config["gpus"],
              holds_gpu=smk.resources.get("gpu", 0) > 0, threads=smk.threads,
              result=smk.output.result, folder=smk.output.training,
              last_attempt=smk.resources.attempt > smk.params.retries,
              naming={"motif_db": smk.input.motif_db, "motifs": smk.config["motifs"],
                      "tomtom": smk.config["tomtom"],
                      "ground_truth": dict(smk.params.ground_truth) or None}
              if hasattr(smk.input, "motif_db") else None)


run(main, snakemake)  # noqa: F821
