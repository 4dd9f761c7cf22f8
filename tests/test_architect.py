"""The architect model: AttentionNet and PromoterNet as two of its points, every pair of values
of the default search space built and run on the meta device, torch-free shape arithmetic."""

from __future__ import annotations

import itertools
import random
import subprocess
import sys

import pytest
import torch

from motifnet.errors import InputError
from motifnet.models.architect import ATTENTION_NET, PROMOTER_NET
from motifnet.models.architect_spec import ArchitectSpec
from motifnet.models.registry import build_model
from motifnet.search.space import DEFAULT_SPACE, is_training

from conftest import REPO

torch.set_num_threads(1)

ARCH_SPACE = {k: v for k, v in DEFAULT_SPACE.items() if not is_training(k)}
TASKS = {"binary": 1, "multiclass": 3, "multilabel": 12}


def layer_kinds(net: torch.nn.Module) -> list[str]:
    """The leaf layers in order, without placeholders (Identity, empty containers)."""
    empty = (torch.nn.Identity, torch.nn.Sequential, torch.nn.ModuleList)
    return [type(m).__name__ for m in net.modules()
            if not list(m.children()) and not isinstance(m, empty)]


@pytest.mark.parametrize("zoo,params", [("attention_net", ATTENTION_NET),
                                        ("promoter_net", PROMOTER_NET)])
def test_attention_net_and_promoter_net_are_points_of_architect(zoo, params):
    torch.manual_seed(0)
    reference = build_model(zoo, 3, 200).eval()
    net = build_model("architect", 3, 200, params).eval()
    shapes = [tuple(p.shape) for p in reference.parameters()]
    assert [tuple(p.shape) for p in net.parameters()] == shapes
    assert sum(p.numel() for p in net.parameters()) == sum(
        p.numel() for p in reference.parameters())
    assert layer_kinds(net) == layer_kinds(reference)
    # the same layers in the same order: the zoo model's weights give the same logits
    net.load_state_dict(dict(zip(net.state_dict(), reference.state_dict().values())))
    x = torch.randn(4, 4, 200)
    assert torch.allclose(net(x), reference(x), atol=1e-6)
    assert net.interpretable_layers() == reference.interpretable_layers()
    assert net.deeplift_problem() is None if zoo == "attention_net" else net.deeplift_problem()


def pairwise_cases(space: dict[str, list], seed: int = 0) -> list[dict]:
    """Parameter sets in which every pair of values of every two parameters occurs (greedy)."""
    names = list(space)
    uncovered = {((a, va), (b, vb)) for a, b in itertools.combinations(names, 2)
                 for va in space[a] for vb in space[b]}
    rng = random.Random(seed)
    cases = []
    while uncovered:
        (a, va), (b, vb) = min(uncovered, key=repr)
        case = {a: va, b: vb}
        for name in rng.sample(names, len(names)):
            if name in case:
                continue
            case[name] = max(space[name], key=lambda v: sum(
                (((name, v), (o, case[o])) in uncovered or ((o, case[o]), (name, v)) in uncovered)
                for o in case))
        uncovered -= {((a, case[a]), (b, case[b])) for a, b in itertools.combinations(names, 2)}
        cases.append(case)
    return cases


def test_every_pair_of_default_space_values_builds_and_runs_on_the_meta_device():
    cases = pairwise_cases(ARCH_SPACE)
    refused = 0
    for case in cases:
        hp = ArchitectSpec.check(case)
        problem = ArchitectSpec.length_problem(hp, 200)
        for task, n_outputs in TASKS.items():
            with torch.device("meta"):
                if problem:
                    with pytest.raises(InputError, match="too short"):
                        build_model("architect", n_outputs, 200, case)
                    refused += 1
                    continue
                net = build_model("architect", n_outputs, 200, case)
                out = net(torch.empty(5, 4, 200))
            assert out.shape == (5, n_outputs), (task, case)
            assert list(net.windows) == list(ArchitectSpec.motif_windows(hp))
            assert (net.deeplift_problem() is not None) == (ArchitectSpec.recurrent_layer(hp) is not None)
    assert len(cases) < 120 and refused < len(cases)  # a few pools are wider than 200 nt


@pytest.mark.parametrize("params", [
    {"kernel1": 19, "kernel": 5, "convs_before": 3, "residual_before": 0,
     "global_reduction": "max"},
    {"kernel1": 7, "pool1": 4, "convs_before": 2, "residual_before": 1, "reduction": "strided",
     "rnn_layers": 1, "rnn_type": "rnn", "bidirectional": True, "global_reduction": "mean"},
])
def test_windows_match_the_positions_an_input_change_reaches(params):
    torch.manual_seed(1)
    net = build_model("architect", 2, 60, params).eval()
    x = torch.nn.functional.one_hot(torch.randint(0, 4, (1, 60)), 4).float().transpose(1, 2)
    for layer in net.interpretable_layers():
        width, offset = net.layer_window(layer)
        before = net.layer_activations(x, layer)
        for i in (0, 5, 30, 59):
            mutated = x.clone()
            mutated[0, :, i] = torch.roll(mutated[0, :, i], 1)
            with torch.no_grad():
                changed = (net.layer_activations(mutated, layer) - before).abs().amax(1)[0] > 1e-6
            expected = [p for p in range(60) if p - offset <= i < p - offset + width]
            assert changed.nonzero().flatten().tolist() == expected, (layer, i)
    assert ("conv2" in net.interpretable_layers()) == (params.get("pool1", 1) == 1)


def test_koo_cnn_25_is_reachable_and_flattening_refuses_another_length():
    params = {"kernel1": 19, "pool1": 25, "activation": "exp", "filters": 32, "kernel": 5,
              "convs_before": 2, "residual_before": 0, "reduction": "max",
              "reduction_stride": 4, "global_reduction": "none", "fc_layers": 1,
              "fc_units": 512, "fc_batchnorm": True, "dropout": 0.5}
    net = build_model("architect", 12, 200, params).eval()
    assert net(torch.randn(2, 4, 200)).shape == (2, 12)
    assert ArchitectSpec.reduced_width(net.hparams, 200) == 32 * 2
    with pytest.raises(InputError, match="built for sequences of length 200"):
        net(torch.randn(2, 4, 100))


@pytest.mark.parametrize("params,short,pattern", [
    ({"pool1": 50}, 40, "first-layer max-pool"),
    ({"pool1": 25, "reduction": "mean", "reduction_stride": 8}, 150, "mean reduction"),
])
def test_impossible_shapes_are_refused_with_the_shortest_length(params, short, pattern):
    with pytest.raises(InputError, match=rf"(?s)too short.*{pattern}.*at least"):
        build_model("architect", 1, short, params)


def test_bad_parameters_name_the_key():
    with pytest.raises(InputError, match="no parameter.*'pool2'") as caught:
        ArchitectSpec.check({"pool2": 3}, "search.s.space")
    assert caught.value.key == "search.s.space.pool2"
    with pytest.raises(InputError, match="'reduction' is 'avg'"):
        build_model("architect", 1, 200, {"reduction": "avg"})


def test_the_spec_and_the_space_import_no_torch_numpy_or_pandas():
    code = ("import sys; from motifnet.models.architect_spec import ArchitectSpec; "
            "from motifnet.search.space import check_space, DEFAULT_SPACE; "
            "check_space(DEFAULT_SPACE, 'x'); hp = ArchitectSpec.check({'pool1': 4}); "
            "ArchitectSpec.motif_windows(hp); ArchitectSpec.length_problem(hp, 3); from motifnet.models.catalog import check_architecture; check_architecture('architect', 3, 200, {'pool1': 4}); "
            "heavy = {'torch', 'numpy', 'pandas', 'optuna'} & set(sys.modules); "
            "assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO,
                   env={"PYTHONPATH": str(REPO / "scripts")})
