"""Checks of the workflow config beyond what the JSON schema can say, and the motif layers of
each architecture. Imports nothing heavy (no numpy, pandas or torch): the Snakefile calls it
while it parses the workflow, and every job parses it again."""

from __future__ import annotations

import difflib
import json
from functools import lru_cache
from pathlib import Path

from .data.kinds import binned, dataset_kind, has_genome, peaks_settings
from .data.label_values import bed_columns, named_labels
from .errors import InputError
from .interpret.methods import choose_method
from .models.catalog import attention_models, check_architecture
from .motifs.engines import check_distance

PATHS = ("filters", "attribution", "attention")


def _check_genome(name: str, genomes: dict, key: str) -> None:
    if name not in genomes:
        raise InputError(f"genome '{name}' is not declared under genomes", key=key,
                         hint=f"add it to genomes (declared: {sorted(genomes) or 'none'})")


def _check_dataset(name: str, spec: dict, genomes: dict) -> None:
    key = f"datasets.{name}"
    kind = dataset_kind(spec)
    if kind == "synthetic":
        if spec["length"] != spec["synthetic"]["length"]:
            raise InputError(
                f"length {spec['length']} differs from synthetic.length "
                f"{spec['synthetic']['length']}", key=f"{key}.length",
                hint="use the generated sequence length",
            )
    elif has_genome(spec):
        _check_genome(spec["genome"], genomes, f"{key}.genome")
    for cls, genome in spec.get("genomic_benchmark", {}).get("genomes", {}).items():
        _check_genome(genome, genomes, f"{key}.genomic_benchmark.genomes.{cls}")
    split = spec["split"]
    _check_split(key, split)
    if split["method"] == "chromosomes" and not has_genome(spec):
        raise InputError("method chromosomes needs genome positions, which imported "
                         "sequences lack", key=f"{key}.split",
                         hint="use method random, or predefined with a split per sequence")
    if split["method"] == "chromosomes" and not split.get("test_chromosomes"):
        raise InputError("method chromosomes needs test_chromosomes", key=f"{key}.split",
                         hint="list the held-out test chromosomes")
    has_split = "split_column" in spec.get("intervals", {}) or kind in (
        "genomic_benchmark", "sequences")
    if split["method"] == "predefined" and not has_split and kind != "peaks":
        raise InputError("method predefined needs intervals.split_column", key=f"{key}.split",
                         hint="name the BED column that holds train/val/test")
    if split["method"] == "kfold" and ("split_column" in spec.get("intervals", {})
                                       or kind == "genomic_benchmark"):
        raise InputError("k-fold cross-validation makes its own folds; the dataset has a "
                         "predefined split column", key=f"{key}.split.method",
                         hint="use split.method predefined to keep the given split, or drop "
                         "intervals.split_column for k-fold")
    intervals = spec.get("intervals", {})
    if spec["task"] == "binary" and len(intervals.get("label_columns", [])) > 1:
        raise InputError("a binary task takes one label column",
                         key=f"{key}.intervals.label_columns",
                         hint="use task: multilabel for several label columns")
    labels = spec.get("sequences", {}).get("label_columns", [])
    if spec["task"] == "binary" and len(labels) > 1:
        raise InputError("a binary task takes one label column",
                         key=f"{key}.sequences.label_columns",
                         hint="use task: multilabel for several label columns")
    _check_columns(key, spec)
    _check_positive_class(key, spec)
    _check_regression(key, spec)
    if spec["encoding"]["unknown"] == "uniform" and spec["dtype"] != "float32":
        raise InputError("uniform unknown bases (0.25 per base) need dtype float32",
                         key=f"{key}.encoding.unknown",
                         hint="set dtype: float32, or encoding.unknown: zero")
    if kind == "peaks":
        _check_peaks(key, spec)


def _check_regression(key: str, spec: dict) -> None:
    """A regression task has numeric targets where its kind of dataset can give them."""
    kind = dataset_kind(spec)
    regression = spec["task"] == "regression"
    if kind == "synthetic" and regression != ("values" in spec["synthetic"]):
        raise InputError(
            "a synthetic regression dataset needs synthetic.values (and only it has them)",
            key=f"{key}.synthetic.values" if regression else f"{key}.task",
            hint="add synthetic.values (effects, noise_sd) with task: regression, or drop "
            "values for a classification task")
    if regression and kind == "genomic_benchmark":
        raise InputError("Genomic Benchmarks datasets are classification tasks",
                         key=f"{key}.task", hint="use task: binary or multiclass")
    if regression and "classes" in spec.get("intervals", {}):
        raise InputError("a regression task reads its targets from label columns",
                         key=f"{key}.intervals.classes",
                         hint="give intervals.bed with label_columns holding numbers")
    if kind == "peaks" and regression != (spec["peaks"]["targets"] == "signal"):
        raise InputError(
            "a peaks dataset regresses on its signal (targets: signal), and only a regression "
            "task takes the signal", key=f"{key}.peaks.targets",
            hint="use task: regression with peaks.targets: signal, or targets: presence with "
            "a classification task")


def _check_split(key: str, split: dict) -> None:
    """What the config alone shows of a split: fractions that sum to 1 (``random``), held-out
    validation chromosomes apart from the test chromosomes (``chromosomes``)."""
    if split["method"] == "random":
        fractions = split["fractions"]
        total = sum(fractions[name] for name in ("train", "val", "test"))
        if abs(total - 1) > 1e-9:
            shown = " + ".join(f"{name} {fractions[name]:g}" for name in ("train", "val", "test"))
            raise InputError(f"split fractions sum to {total:g} ({shown}), not 1",
                             key=f"{key}.split.fractions",
                             hint="make train + val + test = 1 (a fraction left out takes its "
                             "default: train 0.7, val 0.1, test 0.2)")
    if split["method"] == "chromosomes":
        test = split.get("test_chromosomes") or []
        both = [name for name in split.get("val_chromosomes") or [] if name in test]
        if both:
            raise InputError(f"chromosome(s) {', '.join(both)} are held out both for "
                             "validation and for testing", key=f"{key}.split.val_chromosomes",
                             hint="list each chromosome in one of val_chromosomes and "
                             "test_chromosomes only")


def _check_columns(key: str, spec: dict) -> None:
    """Label and split columns of an intervals BED that its first interval line lacks."""
    intervals = spec.get("intervals", {})
    if "bed" not in intervals:
        return
    n_columns = bed_columns(intervals["bed"])
    if n_columns is None:
        return
    for name in ("label_columns", "split_column"):
        asked = intervals.get(name)
        beyond = [c for c in (asked if isinstance(asked, list) else [asked])
                  if c is not None and c > n_columns]
        if beyond:
            raise InputError(
                f"column(s) {beyond} asked for, but {intervals['bed']} has {n_columns} "
                "tab-separated columns", key=f"{key}.intervals.{name}",
                hint="columns count from 1 (chrom, start, end, name, score, strand, then "
                "yours); name columns the file has")


def _check_positive_class(key: str, spec: dict) -> None:
    """A binary task on a label column of class names needs ``positive_class``: refuse it now
    rather than in the job."""
    kind = dataset_kind(spec)
    block = spec.get(kind, {})
    if spec["task"] != "binary" or kind not in ("intervals", "sequences") or (
            "positive_class" in block):
        return
    names = named_labels(block, kind)
    if names:
        shown = ", ".join(names[:5]) + (", ..." if len(names) > 5 else "")
        raise InputError(
            f"the labels are class names ({shown}) and no positive_class says which one is "
            "labelled 1", key=f"{key}.{kind}.positive_class",
            hint=f"set {kind}.positive_class to one of them (e.g. {names[0]}), or label the "
            "rows 0/1")


def _check_peaks(key: str, spec: dict) -> None:
    """A peaks block fits its task: binary takes one peak file and negatives, multilabel one
    file per TF and its all-zero rows from the bins."""
    peaks = peaks_settings(spec["peaks"], spec["task"])
    kind = peaks["negatives"]["kind"]
    if spec["task"] == "multiclass":
        raise InputError("a peaks dataset is binary (one peak file) or multilabel (one per TF)",
                         key=f"{key}.task", hint="use task: binary or multilabel")
    if spec["task"] == "binary" and len(peaks["files"]) != 1:
        raise InputError(f"a binary task takes one peak file, given {len(peaks['files'])}",
                         key=f"{key}.peaks.files",
                         hint="use task: multilabel for several TFs (binned, as DeepSEA)")
    if spec["task"] == "binary" and kind == "none":
        raise InputError("negatives: none leaves a binary task with one class only",
                         key=f"{key}.peaks.negatives.kind",
                         hint="use gc_matched, dinucleotide_shuffle or flank")
    if binned(peaks, spec["task"]) and kind != "none":
        raise InputError(f"negatives {kind} are for a binary task (or one TF's signal); a "
                         "binned dataset takes its all-zero rows from the bins",
                         key=f"{key}.peaks.negatives.kind",
                         hint="drop negatives, and set bins.zero_bins for all-zero bins")
    if kind == "dinucleotide_shuffle" and float(peaks["negatives"]["ratio"]) % 1:
        raise InputError("dinucleotide shuffles come in whole numbers per positive",
                         key=f"{key}.peaks.negatives.ratio", hint="use 1, 2, 3, ...")
    if spec["split"]["method"] == "predefined":
        raise InputError("peaks have no split column", key=f"{key}.split",
                         hint="use split.method chromosomes (held-out chromosomes) or random")


def _n_outputs(spec: dict) -> int:
    """Outputs of a model on this dataset, where known before the data is read."""
    if dataset_kind(spec) == "synthetic":
        return len(spec["synthetic"]["motifs"])
    if dataset_kind(spec) == "peaks" and spec["task"] in ("multilabel", "regression"):
        return len(spec["peaks"]["files"])
    if spec["task"] == "regression":
        block = spec.get("intervals") or spec.get("sequences") or {}
        return len(block.get("label_columns", [1]))
    return 1 if spec["task"] == "binary" else 2


@lru_cache(maxsize=None)
def _model_facts(model: str, n_outputs: int, length: int, params: str,
                 key: str) -> tuple[tuple[str, ...], str | None, bool]:
    """Check the architecture entry (without torch: :mod:`.models.catalog`): its motif layers,
    why DeepLIFT cannot attribute it (None when it can), and whether it has an attention
    pooling."""
    spec, hparams = check_architecture(model, n_outputs, length, json.loads(params), key=key)
    return (tuple(spec.motif_windows(hparams)), spec.deeplift_problem(hparams),
            spec.attention_geometry(hparams, length) is not None)


def _facts(config: dict, dataset: str, arch: str) -> tuple[tuple[str, ...], str | None, bool]:
    spec = config["architectures"][arch]
    data = config["datasets"][dataset]
    return _model_facts(spec["model"], _n_outputs(data), data["length"],
                        json.dumps(spec.get("params", {}), sort_keys=True),
                        f"architectures.{arch}")


def motif_layers(config: dict, dataset: str, arch: str) -> list[str]:
    """Layers of ``arch`` on ``dataset`` whose filters become motifs.

    An architecture's own ``motif_layers`` must all exist; the global ``motifs.layers`` are
    taken where the model has them (a model without any, e.g. a GRU, yields none).
    """
    spec = config["architectures"][arch]
    available = _facts(config, dataset, arch)[0]
    wanted = spec.get("motif_layers")
    if wanted is None:
        return [layer for layer in config["motifs"]["layers"] if layer in available]
    missing = [layer for layer in wanted if layer not in available]
    if missing:
        raise InputError(
            f"model '{spec['model']}' has no convolution layer {missing} whose positions map "
            f"back to the input", key=f"architectures.{arch}.motif_layers",
            hint=f"layers it has: {list(available) or 'none'}",
        )
    return list(wanted)


def requested_paths(method: str | list[str]) -> list[str]:
    """The naming paths ``motifs.method`` asks for, in :data:`PATHS` order: one path, ``both``
    (filters and attribution) or a list of them."""
    asked = {method} if isinstance(method, str) else set(method)
    if "both" in asked:
        asked |= {"filters", "attribution"}
    return [path for path in PATHS if path in asked]


def motif_paths(config: dict, dataset: str, arch: str) -> list[str]:
    """How ``arch`` on ``dataset`` gets named motifs (``motifs.method``): ``filters`` where it
    has motif layers, ``attribution``, ``attention`` where it has an attention pooling. A
    path the model cannot take is left out where another remains (``both`` means attribution
    alone for a model without motif layers); ``attention`` alone for a model without
    attention is refused."""
    method = config["motifs"]["method"]
    asked = requested_paths(method)
    model = config["architectures"][arch]["model"]
    has_attention = _facts(config, dataset, arch)[2]
    if asked == ["attention"] and not has_attention:
        raise InputError(
            f"motifs.method attention needs an attention pooling, which model '{model}' "
            f"(architectures.{arch}) has not", key="motifs.method",
            hint=f"models with one: {', '.join(attention_models())}; or add another path, "
            "e.g. [attribution, attention], or restrict the architecture's datasets")
    paths = []
    if "filters" in asked and motif_layers(config, dataset, arch):
        paths.append("filters")
    if "attribution" in asked:
        paths.append("attribution")
    if "attention" in asked and has_attention:
        width = config["motifs"]["attention"]["width"]
        length = config["datasets"][dataset]["length"]
        if width > length:
            raise InputError(f"attention motifs of {width} nt from sequences of {length} nt "
                             f"(dataset {dataset})", key="motifs.attention.width",
                             hint=f"use a width of at most {length}")
        paths.append("attention")
    return paths


def attribution_method(config: dict, dataset: str, arch: str) -> tuple[str, str]:
    """The attribution method ``arch`` gets on ``dataset`` and, where it is not the configured
    one, why: DeepLIFT/SHAP falls back to ISM for models it cannot handle (a recurrent layer).
    """
    requested = config["attribution"]["method"]
    problem = _facts(config, dataset, arch)[1]
    return choose_method(requested, config["architectures"][arch]["model"], problem)


def _check_architecture(name: str, spec: dict, config: dict) -> None:
    """Resolve the training settings and check the architecture on every dataset it trains on."""
    from .train.settings import resolve_training

    key = f"architectures.{name}"
    resolve_training(config.get("training"), spec.get("training"), arch=name)
    for dataset in spec.get("datasets", config["datasets"]):
        if dataset not in config["datasets"]:
            raise InputError(f"dataset '{dataset}' is not declared", key=f"{key}.datasets",
                             hint=f"declared datasets: {', '.join(config['datasets'])}")
        motif_layers(config, dataset, name)
        motif_paths(config, dataset, name)


def search_space(spec: dict, name: str) -> dict:
    """A search's checked space: its own, else the default (seed 004's Table 2); for a fork,
    its own entries alone (they replace the parent's, :func:`.search.rounds.forked_space`)."""
    from .search.space import DEFAULT_SPACE, check_space

    own = spec.get("space") or ({} if spec.get("fork") else DEFAULT_SPACE)
    return check_space(own, f"search.{name}.space")


def _check_fork(name: str, spec: dict, searches: dict) -> None:
    """A fork's parent is another search with the same datasets and objectives, run to at
    least the round forked at, and no search is its own ancestor."""
    fork, key = spec["fork"], f"search.{name}.fork"
    parent = searches.get(fork["search"])
    if parent is None or fork["search"] == name:
        raise InputError(f"search '{fork['search']}' cannot be forked from",
                         key=f"{key}.search",
                         hint=f"other searches: {', '.join(s for s in searches if s != name)}"
                              if len(searches) > 1 else "declare the parent search too")
    if fork["round"] > parent["rounds"]:
        raise InputError(f"search '{fork['search']}' has {parent['rounds']} rounds, not "
                         f"{fork['round']}", key=f"{key}.round",
                         hint=f"fork at round 1-{parent['rounds']}")
    for field in ("datasets", "objectives"):
        if spec[field] != parent[field]:
            raise InputError(f"a fork keeps its parent's {field} ({parent[field]}), got "
                             f"{spec[field]}", key=f"search.{name}.{field}",
                             hint=f"set {field}: {parent[field]}, or start a new search")
    seen, current = [name], fork["search"]
    while current in searches:
        if current in seen:
            raise InputError(f"searches fork from each other in a cycle: "
                             f"{' -> '.join([*seen, current])}", key=key,
                             hint="one of them must start from its own space")
        seen.append(current)
        current = (searches[current].get("fork") or {}).get("search")


def _check_search(name: str, spec: dict, config: dict) -> None:
    """Datasets declared, objectives known, every value of the space one the model can take
    on each dataset (with the space's fixed values, else the defaults, elsewhere)."""
    from .models.architect_spec import ArchitectSpec
    from .search.space import OBJECTIVES, fixed_values, is_training
    from .train.settings import resolve_training

    key = f"search.{name}"
    if "search" in config["datasets"]:
        raise InputError("a dataset named 'search' would share results/search/ with the "
                         "searches", key="datasets.search", hint="rename the dataset")
    for dataset in spec["datasets"]:
        if dataset not in config["datasets"]:
            raise InputError(f"dataset '{dataset}' is not declared", key=f"{key}.datasets",
                             hint=f"declared datasets: {', '.join(config['datasets'])}")
    for objective in spec["objectives"]:
        if objective not in OBJECTIVES:
            raise InputError(f"unknown objective '{objective}'", key=f"{key}.objectives",
                             hint=f"known objectives: {', '.join(OBJECTIVES)}")
    if len(set(spec["objectives"])) != len(spec["objectives"]):
        raise InputError(f"an objective is listed twice: {spec['objectives']}",
                         key=f"{key}.objectives", hint="list each objective once")
    if "any_hit" in spec["objectives"]:
        unknown = [d for d in spec["datasets"]
                   if dataset_kind(config["datasets"][d]) != "synthetic"]
        if unknown:
            raise InputError(f"any_hit needs the embedded motifs of synthetic data; "
                             f"{', '.join(unknown)} has none", key=f"{key}.objectives",
                             hint="use fraction_named for other data")
    if spec.get("fork"):
        _check_fork(name, spec, config["search"])
    resolve_training(config.get("training"), spec.get("training"), arch=f"<search {name}>")
    space = search_space(spec, name)
    base = {k: v for k, v in fixed_values(space).items() if not is_training(k)}
    for param, entry in space.items():
        if is_training(param) or not isinstance(entry, list):
            continue
        for value in entry:
            hp = ArchitectSpec.check({**base, param: value})
            for dataset in spec["datasets"]:
                length = config["datasets"][dataset]["length"]
                problem = ArchitectSpec.length_problem(hp, length)
                if problem:
                    raise InputError(
                        f"{param}: {value!r} cannot take the {length} nt sequences of "
                        f"dataset '{dataset}': {problem}", key=f"{key}.space.{param}",
                        hint="drop the value, or search on longer sequences")


def schema_problem(error: Exception, verbose: bool = False) -> str | None:
    """A short message for a config the JSON schema refuses (Snakemake's ``validate`` error,
    raised while handling jsonschema's ``ValidationError``): the key, where it is, and for an
    unknown key the nearest known one; the schema excerpt only when ``verbose``. None when
    ``error`` was not raised while handling a validation error."""
    found = error.__context__ or error.__cause__
    if not hasattr(found, "validator"):
        return None
    where = ".".join(map(str, found.absolute_path))
    if found.validator == "additionalProperties" and isinstance(found.instance, dict):
        known = list(found.schema.get("properties", {}))
        unknown = [key for key in found.instance if key not in known]
        lines = []
        for key in unknown:
            close = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
            line = f"unknown config key '{key}' " + (f"in {where}" if where else "at the top")
            lines.append(line + (f"; did you mean '{close[0]}'?" if close else ""))
        message = "\n".join(lines) + f"\n  known keys there: {', '.join(known)}"
    else:
        message = f"config key '{where or '(top)'}': {found.message}"
    message += "\n  (config/README.md documents every key"
    return message + (f")\n{found}" if verbose else "; --verbose shows the schema excerpt)")


def config_classes(spec: dict) -> list[str] | None:
    """A dataset's class names where the config alone says them (synthetic motifs, peak
    files, class files, label names, a positive class); None where only its data does."""
    kind, task = dataset_kind(spec), spec["task"]
    block = spec.get(kind, {})
    if kind == "synthetic":
        return list(block["motifs"])
    if kind == "peaks":
        return list(block["files"])
    if task == "binary" and "positive_class" in block:
        return [block["positive_class"]]
    if kind == "intervals" and "classes" in block:
        return list(block["classes"])[:1] if task == "binary" else list(block["classes"])
    if kind == "intervals" and task == "multilabel" and block.get("label_names"):
        return list(block["label_names"])
    return None


def check_attribution_classes(config: dict) -> None:
    """``attribution.classes`` must be classes of every dataset attributed, where the config
    says them (the training job checks the others before it trains)."""
    wanted = config.get("attribution", {}).get("classes") or []
    if not wanted:
        return
    for dataset, arch in ((d, a) for a, spec in config.get("architectures", {}).items()
                          for d in spec.get("datasets", config["datasets"])):
        if "attribution" not in motif_paths(config, dataset, arch):
            continue
        classes = config_classes(config["datasets"][dataset])
        unknown = [name for name in wanted if classes is not None and name not in classes]
        if unknown:
            raise InputError(f"class(es) {unknown} are not classes of dataset '{dataset}'",
                             key="attribution.classes",
                             hint=f"its classes: {', '.join(classes)}; leave the list empty "
                             "to attribute every class")


def check_config(config: dict) -> None:
    """Raise :class:`InputError` for a config that is valid JSON but inconsistent."""
    check_distance(config["tomtom"]["engine"], config["tomtom"]["dist"])
    for name, spec in config["datasets"].items():
        _check_dataset(name, spec, config.get("genomes", {}))
    for name, spec in config.get("architectures", {}).items():
        _check_architecture(name, spec, config)
    for name, spec in config.get("search", {}).items():
        _check_search(name, spec, config)
    check_attribution_classes(config)


# Where Debian's packages put the example genomes (config/peaks_example.yaml, the tests).
DEBIAN_GENOMES = {"/usr/share/doc/bowtie/examples/": "bowtie-examples"}


def _local_files(config: dict) -> list[tuple[str, str]]:
    """(config key, path) of every local file the config names as an input: genomes the
    datasets use, the datasets' own files, and a user motif database."""
    used = {spec["genome"] for spec in config["datasets"].values() if "genome" in spec}
    used |= {genome for spec in config["datasets"].values()
             for genome in spec.get("genomic_benchmark", {}).get("genomes", {}).values()}
    files = [(f"genomes.{name}.path", spec["path"])
             for name, spec in config.get("genomes", {}).items()
             if name in used and "path" in spec]
    for name, spec in config["datasets"].items():
        key = f"datasets.{name}"
        intervals, sequences, peaks = (spec.get(block, {}) for block in
                                       ("intervals", "sequences", "peaks"))
        files += [(f"{key}.intervals.bed", intervals["bed"])] if "bed" in intervals else []
        files += [(f"{key}.intervals.classes.{label}", path)
                  for label, path in intervals.get("classes", {}).items()]
        files += [(f"{key}.sequences.{form}", sequences[form]) for form in ("fasta", "tsv")
                  if form in sequences]
        files += [(f"{key}.peaks.files.{tf}", path)
                  for tf, path in peaks.get("files", {}).items()]
        files += [(f"{key}.peaks.blacklist", peaks["blacklist"])] if peaks.get(
            "blacklist") else []
    if "meme" in config.get("motif_db", {}):
        files.append(("motif_db.meme", config["motif_db"]["meme"]))
    return files


# Folders of the workflow's own outputs: a config may name files rules make there (the
# synthetic genome and peaks of config/peaks_synthetic.yaml).
MADE_HERE = ("resources/", "results/")


def check_paths(config: dict) -> None:
    """Raise :class:`InputError` naming the config key of the first local input file that
    does not exist (relative paths are taken from the working directory; files the workflow
    makes, under :data:`MADE_HERE`, are left to it)."""
    for key, path in _local_files(config):
        if Path(path).exists() or str(path).startswith(MADE_HERE):
            continue
        package = next((name for folder, name in DEBIAN_GENOMES.items()
                        if str(path).startswith(folder)), None)
        if package:
            hint = (f"install the Debian package {package} (apt-get install {package}, or "
                    "scripts/setup.sh --dev)")
        elif key.startswith("genomes."):
            hint = ("correct the path, or give the genome's url (and sha256) instead to "
                    "download it")
        else:
            hint = f"correct the path (relative paths start in {Path.cwd()})"
        raise InputError(f"file not found: {path}", key=key, hint=hint)


def gpu_slot_advice(gpu_resource: int, gpus: dict) -> str | None:
    """What to pass when ``--resources gpu=N`` differs from the config's GPU slots
    (``len(gpus.devices) x gpus.jobs_per_device``); None when they agree or nothing trains on
    a GPU."""
    slots = len(gpus["devices"]) * gpus["jobs_per_device"]
    if gpus["cpu_only"] or gpu_resource == slots:
        return None
    effect = ("the jobs beyond them wait inside for a free slot" if gpu_resource > slots
              else f"{slots - gpu_resource} slot(s) stay idle")
    return (f"--resources gpu={gpu_resource} lets {gpu_resource} GPU-slotted job(s) run at "
            f"once, but the config has {slots} GPU slot(s) (gpus.devices {gpus['devices']} x "
            f"gpus.jobs_per_device {gpus['jobs_per_device']}): {effect}; run with "
            f"--resources gpu={slots}, or change gpus in the config")
