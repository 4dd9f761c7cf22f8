import json
import re
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.logging import logger
from snakemake.utils import validate

# The package beside the workflow holds the rules' logic; this file only reads the config.
# (A workflow used as a module from a remote source has no local folder: the package is then
# installed, see README.md.)
if workflow.current_basedir.is_local:
    sys.path.insert(0, str(Path(workflow.current_basedir).parents[1] / "scripts"))

from motifnet import __version__
from motifnet.config import (
    attribution_method,
    check_config,
    check_paths,
    gpu_slot_advice,
    motif_layers,
    motif_paths,
    search_space,
    schema_problem,
)
from motifnet.data.download import file_name
from motifnet.data.kinds import (
    dataset_kind,
    derived_intervals,
    interval_files,
    peak_files,
    peaks_settings,
    sequence_file,
)
from motifnet.search.found import found_architectures
from motifnet.search.space import FILTER_OBJECTIVES
from motifnet.train.settings import learning_settings, resolve_training

try:
    validate(config, schema="../schemas/config.schema.yaml", set_default=True)
except WorkflowError as error:
    message = schema_problem(error, verbose=workflow.output_settings.verbose)
    if message is None:
        raise
    raise WorkflowError(message) from None
# `--config offline=true` arrives as a string (the schema allows it); Snakemake only converts
# True/False.
config["offline"] = config["offline"] in (True, "true", "yes")
# The best architectures of finished searches (search.<name>.retrain) train like any other.
config["architectures"].update(found_architectures(config))
check_config(config)
check_paths(config)

DATASETS = list(config["datasets"])
ARCHITECTURES = list(config["architectures"])
SPLITS = ["train", "val", "test"]
NUMBA_CACHE = "resources/numba_cache"


def numba_cache(wildcards, input, output):
    """The shared numba cache folder, where the warm-up rules write their stamp: the folder of
    the job's ``warm`` input, or of a warm-up rule's own output (module prefixes apply).
    """
    return Path(input.warm if "warm" in input.keys() else output[0]).parent


def one_of(names):
    """A wildcard pattern matching exactly these names (nothing when there are none)."""
    return "|".join(map(re.escape, names)) or "(?!)"


onstart:
    # said when a run starts (not at every parse): files offline mode lacks, GPU slots unused
    if config["offline"]:
        from motifnet.data.download import missing_files

        if missing := missing_files(planned_downloads()):
            logger.warning(str(missing))
    if "gpu" in workflow.global_resources:
        gpu = workflow.global_resources["gpu"].value
        if advice := gpu_slot_advice(gpu, config["gpus"]):
            logger.warning(advice)
    # models whose attribution falls back to another method
    for dataset, arch in attribution_runs():
        if fallback := attribution_method(config, dataset, arch)[1]:
            logger.warning(f"architectures.{arch} on {dataset}: {fallback}")


wildcard_constraints:
    dataset=one_of(DATASETS),
    arch=one_of(ARCHITECTURES),
    split="train|val|test",
    search=one_of(list(config["search"])),
    round=r"[1-9]\d*",
    trial=r"\d+",


# Datasets --------------------------------------------------------------------------------


def kind(name):
    """synthetic, genomic_benchmark, sequences, intervals or peaks (motifnet.data.kinds)."""
    return dataset_kind(config["datasets"][name])


def datasets_of(wanted):
    return [name for name in DATASETS if kind(name) == wanted]


def kfold_datasets():
    """Datasets cross-validated in k folds (rules encode_kfold, train_fold, pool_folds)."""
    return [n for n in DATASETS if config["datasets"][n]["split"]["method"] == "kfold"]


def regression_datasets():
    """Datasets with a regression task and one split (trained by rule train_regression)."""
    return [
        name
        for name in DATASETS
        if config["datasets"][name]["task"] == "regression"
        and name not in kfold_datasets()
    ]


def classification_datasets():
    """Classification datasets with one split (trained by rule train)."""
    return [
        name
        for name in DATASETS
        if name not in regression_datasets() and name not in kfold_datasets()
    ]


def split_settings(wildcards):
    """A dataset's split block; ``k`` only where the method is kfold (it changes nothing
    else)."""
    split = config["datasets"][wildcards.dataset]["split"]
    return {
        key: value
        for key, value in split.items()
        if key != "k" or split["method"] == "kfold"
    }


def fold_outputs(name):
    """The files of every fold of a k-fold dataset's architecture (wildcards dataset, arch)."""

    def files(wildcards):
        k = config["datasets"][wildcards.dataset]["split"]["k"]
        return expand(
            f"results/{{dataset}}/{{arch}}/folds/{{fold}}/{name}",
            dataset=wildcards.dataset,
            arch=wildcards.arch,
            fold=range(1, k + 1),
        )

    return files


def target_transform(wildcards):
    """A regression dataset's target transform (none for a classification task)."""
    spec = config["datasets"][wildcards.dataset]
    return spec["transform"] if spec["task"] == "regression" else "none"


def genome_fasta(wildcards):
    """The prepared FASTA (with .fai beside it) of a dataset's genome."""
    if kind(wildcards.dataset) == "synthetic":
        return f"resources/synthetic/{wildcards.dataset}/genome.fa"
    return (
        f"resources/genomes/{config['datasets'][wildcards.dataset]['genome']}/genome.fa"
    )


def genome_index(wildcards):
    return genome_fasta(wildcards) + ".fai"


def benchmark_folder(name):
    """The cache of a Genomic Benchmarks dataset's files, shared by the datasets that use it."""
    spec = config["datasets"][name]["genomic_benchmark"]
    return f"resources/genomic_benchmarks/{spec['name']}/v{spec['version']}"


def benchmark_coordinates(wildcards):
    """The checked coordinates BED of a Genomic Benchmarks dataset."""
    return f"{benchmark_folder(wildcards.dataset)}/coordinates.bed"


def interval_spec(wildcards):
    """The dataset's intervals block; synthetic datasets read their generated regions BED,
    Genomic Benchmarks their fetched coordinates (motifnet.data.kinds.derived_intervals).
    """
    spec = config["datasets"][wildcards.dataset]
    if kind(wildcards.dataset) == "synthetic":
        return derived_intervals(
            spec, f"resources/synthetic/{wildcards.dataset}/regions.bed"
        )
    if kind(wildcards.dataset) == "genomic_benchmark":
        return derived_intervals(spec, benchmark_coordinates(wildcards))
    return spec["intervals"]


def source_files(wildcards):
    """The files a dataset's sequences are read from."""
    if kind(wildcards.dataset) == "sequences":
        return [sequence_file(config["datasets"][wildcards.dataset]["sequences"])]
    if kind(wildcards.dataset) == "peaks":
        return peak_files(config["datasets"][wildcards.dataset]["peaks"])
    return interval_files(interval_spec(wildcards))


def peak_settings(wildcards):
    """A peaks dataset's peaks block, its negatives' kind resolved for its task."""
    spec = config["datasets"][wildcards.dataset]
    return peaks_settings(spec["peaks"], spec["task"])


def data_sources(wildcards):
    """Provenance of a dataset's sequences, for encoding.json."""
    genome = None if kind(wildcards.dataset) == "sequences" else genome_fasta(wildcards)
    return {"intervals": source_files(wildcards), "genome": genome}


def extraction(wildcards):
    """How a dataset's sequences are cut: task, length, resize policy, drops allowed."""
    spec = config["datasets"][wildcards.dataset]
    return {
        key: spec[key] for key in ("task", "length", "resize", "max_dropped_fraction")
    }


def benchmark_genomes(wildcards):
    """Genome name -> (fasta, fai) for every genome a benchmark dataset's classes lie on."""
    spec = config["datasets"][wildcards.dataset]
    names = [spec["genome"], *spec["genomic_benchmark"].get("genomes", {}).values()]
    return {
        genome: (
            f"resources/genomes/{genome}/genome.fa",
            f"resources/genomes/{genome}/genome.fa.fai",
        )
        for genome in dict.fromkeys(names)
    }


def benchmark_url(wildcards):
    """The base URL of a benchmark, the same for every dataset that uses it."""
    urls = {
        config["datasets"][name]["genomic_benchmark"]["url"]
        for name in datasets_of("genomic_benchmark")
        if config["datasets"][name]["genomic_benchmark"]["name"] == wildcards.benchmark
        and config["datasets"][name]["genomic_benchmark"]["version"]
        == int(wildcards.version)
    }
    if len(urls) != 1:
        raise WorkflowError(
            f"datasets using Genomic Benchmark '{wildcards.benchmark}' v{wildcards.version} "
            f"name the URLs {sorted(urls)}; they share one download cache, so give them one url"
            if urls
            else f"no dataset uses Genomic Benchmark '{wildcards.benchmark}' v{wildcards.version}"
        )
    return urls.pop()


def genome_source(wildcards):
    """A local genome file is an input; a URL genome is downloaded by the rule itself."""
    spec = config["genomes"][wildcards.genome]
    return spec["path"] if "path" in spec else []


def genome_download(genome):
    """Where a URL genome is downloaded to."""
    url = config["genomes"][genome]["url"]
    return f"resources/downloads/{genome}/{file_name(url, 'genome.fa')}"


def planned_downloads():
    """(url, path) of every file the config still has to download: genomes and the
    Genomic Benchmarks files not yet cached."""
    from motifnet.data.genomic_benchmarks import planned_downloads as benchmark_files

    files = [
        (spec["url"], genome_download(genome))
        for genome, spec in config["genomes"].items()
        if "url" in spec and not Path(f"resources/genomes/{genome}/genome.fa").exists()
    ]
    for name in datasets_of("genomic_benchmark"):
        spec = config["datasets"][name]["genomic_benchmark"]
        files += benchmark_files(spec["name"], spec["url"], benchmark_folder(name))
    return list(dict.fromkeys(files))


# Architectures ---------------------------------------------------------------------------


def training_settings(arch):
    """Training settings of an architecture: defaults < training < its own training block."""
    return resolve_training(
        config["training"], config["architectures"][arch].get("training"), arch=arch
    )


def training_threads(wildcards):
    """Threads of a GPU-slotted job of an architecture (training, attribution)."""
    return training_settings(wildcards.arch)["threads"]


def training_mem_mb(wildcards, attempt):
    """Memory of a GPU-slotted job, doubled on each retry (e.g. after running out of it)."""
    return training_settings(wildcards.arch)["mem_mb"] * attempt


def training_runtime(wildcards, attempt):
    """Run time (minutes) of a GPU-slotted job, doubled on each retry."""
    return training_settings(wildcards.arch)["runtime"] * attempt


def learning(wildcards):
    """The settings that change what is learned (not threads, memory, GPUs, run time; not
    the regression loss of a classifier)."""
    return learning_settings(
        training_settings(wildcards.arch),
        config["datasets"][wildcards.dataset]["task"],
    )


def gpu_slots(wildcards):
    """GPU slots a GPU-slotted job of an architecture holds (training, attribution)."""
    if config["gpus"]["cpu_only"]:
        return 0
    return training_settings(wildcards.arch)["gpu"]


def architecture(wildcards):
    spec = config["architectures"][wildcards.arch]
    return {"model": spec["model"], "params": spec.get("params", {})}


def model_runs():
    """(dataset, architecture) pairs to train: every architecture on its datasets."""
    return [
        (name, arch)
        for arch in ARCHITECTURES
        for name in config["architectures"][arch].get("datasets", DATASETS)
    ]


# Motifs ----------------------------------------------------------------------------------


def motif_db_name():
    """File stem of the motif database: the JASPAR selection, or the user file's name."""
    spec = config["motif_db"]
    if "meme" in spec:
        return f"user_{Path(spec['meme']).name.split('.')[0]}"
    return f"{spec['release']}_{spec['collection']}_{spec['taxon']}"


def user_motif_file(wildcards):
    return [config["motif_db"]["meme"]] if "meme" in config["motif_db"] else []


def layers_of(wildcards):
    """Layers whose filters become motifs: the configured ones the model can map to input."""
    return motif_layers(config, wildcards.dataset, wildcards.arch)


def ground_truth(wildcards):
    """TF -> JASPAR base id of the motifs embedded in a synthetic dataset, or those a peaks
    dataset's TFs are known to bind (peaks.motifs), else empty."""
    spec = config["datasets"][wildcards.dataset]
    if kind(wildcards.dataset) == "synthetic":
        return spec["synthetic"]["motifs"]
    if kind(wildcards.dataset) == "peaks":
        return spec["peaks"].get("motifs", {})
    return {}


def filter_settings():
    """The motifs block without ``method`` and ``attention``: choosing the paths or the
    attention recipe changes no filter result."""
    return {
        key: value
        for key, value in config["motifs"].items()
        if key not in ("method", "attention")
    }


def attribution_settings():
    """The attribution block without what changes no map: batch size (speed) and examples
    (figures); the attribute job reads the batch size from the config."""
    return {
        key: value
        for key, value in config["attribution"].items()
        if key not in ("batch_size", "examples")
    }


def attribution_splits():
    """The splits attribution samples its sequences from (``attribution.split``)."""
    split = config["attribution"]["split"]
    return SPLITS if split == "all" else [split]


def filter_runs():
    """(dataset, architecture) pairs named through their filters (``motifs.method``)."""
    return [(d, a) for d, a in model_runs() if "filters" in motif_paths(config, d, a)]


def attribution_runs():
    """(dataset, architecture) pairs named through attribution (``motifs.method``)."""
    return [
        (d, a) for d, a in model_runs() if "attribution" in motif_paths(config, d, a)
    ]


def attention_runs():
    """(dataset, architecture) pairs named through attention (``motifs.method``)."""
    return [(d, a) for d, a in model_runs() if "attention" in motif_paths(config, d, a)]


def attributions_of(wildcards):
    """The attribution maps attention is scored beside, where attribution runs."""
    if "attribution" in motif_paths(config, wildcards.dataset, wildcards.arch):
        return [f"results/{wildcards.dataset}/{wildcards.arch}/attributions"]
    return []


def motif_runs():
    """(dataset, architecture) pairs with named motifs by either path (a learned.json)."""
    return [(d, a) for d, a in model_runs() if motif_paths(config, d, a)]


def learned_inputs(wildcards):
    """The scores learned.json merges: filters.json, patterns.json and
    attention_motifs.json, as the runs have them."""
    paths = motif_paths(config, wildcards.dataset, wildcards.arch)
    folder = f"results/{wildcards.dataset}/{wildcards.arch}"
    return {
        name: f"{folder}/{name}.json"
        for name, path in (
            ("filters", "filters"),
            ("patterns", "attribution"),
            ("attention_motifs", "attention"),
        )
        if path in paths
    }


def truth_files(wildcards):
    """The synthetic generator's regions.bed and motifs.bed (ground truth), else none."""
    if kind(wildcards.dataset) != "synthetic":
        return []
    folder = f"resources/synthetic/{wildcards.dataset}"
    return [f"{folder}/regions.bed", f"{folder}/motifs.bed"]


def expand_runs(pattern, runs):
    """``pattern`` filled for each (dataset, architecture) pair."""
    return [pattern.format(dataset=name, arch=arch) for name, arch in runs]


# Search ----------------------------------------------------------------------------------


def search_spec(name):
    return config["search"][name]


def search_folder(wildcards):
    return f"results/search/{wildcards.search}"


def search_trials(wildcards, rounds, search=None):
    """Result files of the trials of ``rounds`` (their plans are checkpoints) on every dataset
    of the search (``wildcards.search``, or the named ``search``)."""
    search = search or wildcards.search
    files = []
    for r in rounds:
        plan = checkpoints.search_plan.get(search=search, round=r).output.plan
        with open(plan) as handle:
            numbers = [t["number"] for t in json.load(handle)["trials"]]
        files += [
            f"results/search/{search}/round{r}/trial{n}/{d}/result.json"
            for n in numbers
            for d in search_spec(search)["datasets"]
        ]
    return files


def fork_inputs(wildcards):
    """A forked search's parent files: the parent's plans and trial results up to the round
    it forks at (its study starts from them) and the space that round's analysis wrote.
    """
    fork = search_spec(wildcards.search).get("fork")
    if not fork:
        return {}
    parent, rounds = fork["search"], range(1, fork["round"] + 1)
    return {
        "fork_plans": [
            ancient(f"results/search/{parent}/round{i}/plan.json") for i in rounds
        ],
        "fork_results": [
            ancient(path) for path in search_trials(wildcards, rounds, search=parent)
        ],
        "fork_space": ancient(
            f"results/search/{parent}/round{fork['round']}/space.yaml"
        ),
    }


def plan_inputs(wildcards):
    """A round's planning inputs: the earlier rounds' plans and trial results and the space
    the previous round's analysis wrote (round 1: the config's space; a fork adds its
    parent's, :func:`fork_inputs`). Once planned, a round
    stays planned (ancient: a rerun of an earlier analysis replans and retrains nothing);
    delete its plan.json to plan it again, e.g. after editing the space.yaml before it.
    """
    r = int(wildcards.round)
    folder = search_folder(wildcards)
    if r == 1:
        return fork_inputs(wildcards)
    return {
        **fork_inputs(wildcards),
        "plans": [ancient(f"{folder}/round{i}/plan.json") for i in range(1, r)],
        "results": [ancient(path) for path in search_trials(wildcards, range(1, r))],
        "space": ancient(f"{folder}/round{r - 1}/space.yaml"),
    }


def round_inputs(wildcards):
    """A round's analysis inputs: its plan, and every trial result up to it."""
    r = int(wildcards.round)
    folder = search_folder(wildcards)
    return {
        "plan": f"{folder}/round{r}/plan.json",
        "earlier": [f"{folder}/round{i}/plan.json" for i in range(1, r)],
        "results": search_trials(wildcards, range(1, r + 1)),
    }


def search_settings(wildcards):
    """What planning reads from a search's config: space, sampler, objectives, seed..."""
    spec = search_spec(wildcards.search)
    keys = (
        "trials_per_round",
        "sampler",
        "objectives",
        "seed",
        "narrow",
        "top_fraction",
    )
    return {
        "space": search_space(spec, wildcards.search),
        **{key: spec[key] for key in keys},
    }


def search_training(search):
    """Training settings of a search's trials before their own: defaults < training <
    search.<name>.training."""
    return resolve_training(config["training"], search_spec(search).get("training"))


def search_gpu_slots(wildcards):
    if config["gpus"]["cpu_only"]:
        return 0
    return search_training(wildcards.search)["gpu"]


def trial_naming_inputs(wildcards):
    """The motif database, its families (and warm TomTom kernels) where the search scores
    filters."""
    if not set(FILTER_OBJECTIVES) & set(search_spec(wildcards.search)["objectives"]):
        return {}
    return {
        "motif_db": f"resources/motif_db/{motif_db_name()}.meme",
        "families": f"resources/motif_db/{motif_db_name()}.families.tsv",
        "warm": f"{NUMBA_CACHE}/{config['tomtom']['engine']}.warm",
    }


def search_runs():
    return list(config["search"])
