"""Rule attention: attention maps of a trained model's sequences, per class, on its GPU slot."""

from pathlib import Path

from motifnet.interpret.attention import attention_model
from motifnet.rulescript import run


def main(smk):
    sequences = {Path(path).stem: path for path in smk.input.sequences}
    attention_model(smk.input.model, sequences,
                    {"top_sequences": smk.params.top_sequences}, dict(smk.params.selection),
                    smk.output.maps, gpus=smk.config["gpus"],
                    holds_gpu=smk.resources.get("gpu", 0) > 0,
                    batch_size=smk.config["attribution"]["batch_size"], threads=smk.threads)


run(main, snakemake)  # noqa: F821
