"""The model zoo: shapes, parameter counts, layer windows, strand symmetry, errors."""

from __future__ import annotations

import json
import random

import pytest
import torch

from motifnet.data.onehot import encode
from motifnet.errors import InputError
from motifnet.models.base import MotifModel
from motifnet.models.catalog import KOO_VARIANTS, KooCNNSpec, known_models
from motifnet.models.registry import build_model
from motifnet.models.strand import revcomp

torch.set_num_threads(1)

ALL = known_models()
# Models whose layers cannot take any length: (model, a length that is too short).
LENGTH_LIMITED = [
    ("koo_cnn", 50),
    ("promoter_cnn", 3),
    ("promoter_net", 2),
    ("gb_basic", 40),
    ("gb_final", 40),
    ("deepbind", 23),
    ("attention_net", 2),
]


def random_dna(n: int, length: int, seed: int = 0) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice("ACGT") for _ in range(length)) for _ in range(n)]


def onehot(n: int, length: int, seed: int = 0) -> torch.Tensor:
    return torch.from_numpy(encode(random_dna(n, length, seed)))


def test_registry_lists_every_family():
    assert ALL == sorted(ALL)
    expected = {
        "promoter_cnn",
        "koo_cnn",
        "bigru_attention",
        "gb_basic",
        "gb_final",
        "attention_net",
        "promoter_net",
        "deepbind",
    }
    assert expected <= set(ALL)


@pytest.mark.parametrize("length", [200, 251])
@pytest.mark.parametrize("name", ALL)
def test_forward_shape_and_rebuild(name, length):
    torch.manual_seed(0)
    net = build_model(name, 3, length)
    assert isinstance(net, MotifModel)
    logits = net.eval()(onehot(2, length))
    assert logits.shape == (2, 3) and torch.isfinite(logits).all()
    hparams = json.loads(json.dumps(net.hparams))  # JSON-serialisable and enough to rebuild
    again = build_model(name, 3, length, hparams)
    again.load_state_dict(net.state_dict())
    assert again.hparams == net.hparams


@pytest.mark.parametrize("name,short", LENGTH_LIMITED)
def test_too_short_length_is_refused_with_the_shortest_that_fits(name, short):
    with pytest.raises(
        InputError, match=rf"(?s)length {short} is too short .*at least (\d+) nt"
    ) as caught:
        build_model(name, 1, short)
    shortest = int(caught.value.hint.split("at least ")[1].split()[0])
    build_model(name, 1, shortest)
    with pytest.raises(InputError):
        build_model(name, 1, shortest - 1)


@pytest.mark.parametrize("name,params", [
    ("koo_cnn", {"kernel1": 200}), ("promoter_cnn", {"kernel1": 200, "pool1": 1}),
    ("deepbind", {"kernel": 200}), ("attention_net", {"kernel": 200}),
    ("promoter_net", {"kernel": 200, "pool": 1}),
])
def test_a_first_layer_filter_wider_than_the_sequence_is_refused(name, params):
    """No window of such a filter lies inside a sequence: it could never give a motif."""
    with pytest.raises(InputError, match=r"(?s)length 80 is too short .*filters are 200 nt "
                       r"wide, wider than the 80 nt sequences.*at least 200 nt") as caught:
        build_model(name, 1, 80, params, key="architectures.wide")
    assert caught.value.key == "architectures.wide"


def test_promoter_cnn_has_about_108k_parameters():
    net = build_model("promoter_cnn", 1, 251)
    n_params = sum(p.numel() for p in net.parameters())
    print(f"promoter_cnn parameters: {n_params}")
    assert n_params == 108_865


@pytest.mark.parametrize("variant", sorted(KOO_VARIANTS))
def test_koo_variants_downsample_200_nt_to_2_positions(variant):
    net = build_model("koo_cnn", 12, 200, {"variant": variant})
    hp = net.hparams
    assert hp["pool1_stride"] * hp["pool2_stride"] == 100  # the paper's p1 * p2 = 100
    if variant != "cnn-50-2":  # the one variant with overlapping pools
        assert (hp["pool1"], hp["pool2"]) == (hp["pool1_stride"], hp["pool2_stride"])
    assert KooCNNSpec.positions(hp, 200)[1] == 2
    assert net.head[1].in_features == 128 * 2
    assert net(onehot(2, 200)).shape == (2, 12)


def test_koo_explicit_params_override_the_variant():
    hp = build_model(
        "koo_cnn", 12, 200, {"variant": "cnn-25", "pool1": 10, "filters1": 120}
    ).hparams
    assert (hp["pool1"], hp["pool1_stride"], hp["pool2"], hp["filters1"], hp["kernel1"]) == (
        10,
        10,
        4,
        120,
        19,
    )
    hp = build_model("koo_cnn", 12, 200, {"variant": "cnn-50-2"}).hparams
    assert (hp["pool1"], hp["pool1_stride"], KooCNNSpec.positions(hp, 200)) == (50, 2, (100, 2))
    assert build_model("koo_cnn", 12, 200, {"variant": "cnn19-1-2"}).hparams["kernel2"] == 1
    assert build_model("koo_cnn", 12, 200, {"variant": "cnn-1"}).interpretable_layers() == [
        "conv1",
        "conv2",
    ]
    assert build_model("koo_cnn", 12, 200).interpretable_layers() == ["conv1"]


WINDOW_CASES = [(name, {}) for name in ALL] + [
    ("koo_cnn", {"variant": "cnn-1"}),
    ("koo_cnn", {"variant": "cnn9-4"}),
    ("promoter_cnn", {"pool1": 1}),
    ("deepbind", {"kernel": 7, "rc_average": True}),
]


@pytest.mark.parametrize("name,params", WINDOW_CASES)
def test_layer_window_matches_the_positions_an_input_change_reaches(name, params):
    torch.manual_seed(1)
    length = 60 if name != "koo_cnn" else 200
    net = build_model(name, 2, length, params).eval()
    x = onehot(1, length, seed=2)
    for layer in net.interpretable_layers():
        width, offset = net.layer_window(layer)
        before = net.layer_activations(x, layer)
        assert before.dim() == 3 and before.shape[0] == 1
        for i in (0, 5, length // 2, length - 1):
            mutated = x.clone()
            mutated[0, :, i] = torch.roll(mutated[0, :, i], 1)
            with torch.no_grad():
                changed = (net.layer_activations(mutated, layer) - before).abs().amax(dim=1)[
                    0
                ] > 1e-6
            expected = [p for p in range(before.shape[-1]) if p - offset <= i < p - offset + width]
            assert changed.nonzero().flatten().tolist() == expected, (layer, i)


def test_revcomp_of_onehot_is_the_reverse_complement_sequence():
    seqs = random_dna(3, 30, seed=5)
    flipped = [s[::-1].translate(str.maketrans("ACGT", "TGCA")) for s in seqs]
    assert torch.equal(revcomp(torch.from_numpy(encode(seqs))), torch.from_numpy(encode(flipped)))


@pytest.mark.parametrize("name", ALL)
def test_rc_average_gives_the_same_logits_on_both_strands(name):
    torch.manual_seed(3)
    seqs = random_dna(3, 200, seed=4)
    x = torch.from_numpy(encode(seqs))
    rc = torch.from_numpy(encode([s[::-1].translate(str.maketrans("ACGT", "TGCA")) for s in seqs]))
    plain = build_model(name, 2, 200).eval()
    net = build_model(name, 2, 200, {"rc_average": True}).eval()
    net.inner.load_state_dict(plain.state_dict())
    with torch.no_grad():
        torch.testing.assert_close(net(x), net(rc), rtol=1e-5, atol=1e-6)
        torch.testing.assert_close(net(x), (plain(x) + plain(rc)) / 2, rtol=1e-5, atol=1e-6)
        assert (plain(x) - plain(rc)).abs().max() > 1e-5  # the plain model is not symmetric
    assert net.hparams["rc_average"] is True
    assert type(build_model(name, 2, 200, net.hparams)) is type(net)
    assert net.interpretable_layers() == plain.interpretable_layers()
    for layer in net.interpretable_layers():
        assert net.layer_window(layer) == plain.layer_window(layer)
        torch.testing.assert_close(
            net.layer_activations(x, layer), plain.layer_activations(x, layer)
        )


def test_unknown_model_lists_the_known_names():
    with pytest.raises(InputError) as caught:
        build_model("resnet", 1, 200, key="architectures.mine")
    message = str(caught.value)
    assert "architectures.mine.model" in message and "'resnet'" in message
    assert all(name in message for name in ALL)


@pytest.mark.parametrize(
    "params,pattern",
    [
        ({"filters1": "30"}, r"'filters1' must be an integer, got '30'"),
        ({"filters1": True}, r"'filters1' must be an integer, got True"),
        ({"dropout_conv": "0.1"}, r"'dropout_conv' must be a number"),
        ({"dropout_dense": 1.5}, r"'dropout_dense' is 1.5; it must be < 1.0"),
        ({"rc_average": 1}, r"'rc_average' must be true or false"),
        ({"variant": "cnn-7"}, r"'variant' is 'cnn-7'; allowed: cnn-1, "),
        ({"pool_size": 4}, r"no parameter\(s\) 'pool_size'; known: activation, dense_batchnorm, "),
        ({"filters1": 0}, r"'filters1' is 0; it must be >= 1"),
        ({"pool1": 4, "pool1_stride": 8}, r"'pool1_stride' \(8\) is larger than 'pool1' \(4\)"),
    ],
)
def test_bad_parameters_name_the_parameter_and_the_expected_type(params, pattern):
    with pytest.raises(InputError, match=pattern) as caught:
        build_model("koo_cnn", 12, 200, params, key="architectures.koo")
    assert caught.value.key.startswith("architectures.koo.params.")


def test_numbers_are_accepted_where_they_fit():
    hp = build_model("koo_cnn", 12, 200, {"dropout_conv": 0, "rc_average": False}).hparams
    assert hp["dropout_conv"] == 0.0 and isinstance(hp["dropout_conv"], float)
    with pytest.raises(InputError, match="mapping"):
        build_model("deepbind", 1, 200, ["filters", 8])


def test_flatten_models_refuse_another_length_at_run_time():
    net = build_model("koo_cnn", 12, 200)
    with pytest.raises(InputError, match="built for sequences of length 200, got 251"):
        net(onehot(1, 251))


def test_build_is_cheap_on_the_meta_device():
    with torch.device("meta"):
        net = build_model("bigru_attention", 1, 1000, {"rc_average": True})
    assert next(net.parameters()).device.type == "meta"


def test_koo_dense_layer_has_batch_norm_as_in_the_papers_code():
    def norms(net: torch.nn.Module) -> int:
        return sum(isinstance(m, torch.nn.BatchNorm1d) for m in net.head.modules())

    assert norms(build_model("koo_cnn", 12, 200)) == 1
    assert norms(build_model("koo_cnn", 12, 200, {"dense_batchnorm": False})) == 0


CNNS = ["koo_cnn", "promoter_cnn", "deepbind", "gb_basic", "gb_final", "attention_net",
        "promoter_net"]


@pytest.mark.parametrize("name", CNNS)
def test_every_cnn_takes_an_exponential_first_layer_after_batch_norm(name):
    from motifnet.models.layers import Exp

    torch.manual_seed(0)
    net = build_model(name, 2, 200, {"activation": "exp"}).eval()
    assert torch.isfinite(net(onehot(2, 200))).all()
    modules = list(net.modules())
    first = next(i for i, m in enumerate(modules) if isinstance(m, Exp))
    assert isinstance(modules[first - 1], torch.nn.BatchNorm1d)
    assert sum(isinstance(m, Exp) for m in modules) == 1  # the first layer only
    x = onehot(3, 200)
    activations = net.layer_activations(x, "conv1")
    assert (activations > 0).all()  # exp: every position scores, strong matches most
    assert build_model(name, 2, 200).hparams["activation"] in ("relu", "elu")
    with pytest.raises(InputError, match="'activation' is 'tanh'; allowed: relu, elu, exp"):
        build_model(name, 2, 200, {"activation": "tanh"})


def test_global_max_pool_is_the_maximum_over_positions():
    from motifnet.models.layers import GlobalMaxPool1d

    x = torch.randn(3, 5, 17)
    assert torch.equal(GlobalMaxPool1d()(x).flatten(1), x.amax(dim=-1))
    assert torch.equal(GlobalMaxPool1d()(x[..., :9]).flatten(1), x[..., :9].amax(dim=-1))


def test_declared_recurrent_layers_are_the_built_models_recurrent_modules():
    """The catalog's declaration (read at parse time, without torch) tells the truth."""
    for name in ALL:
        with torch.device("meta"):
            net = build_model(name, 1, 200)
        built = [(type(m).__name__, n) for n, m in net.named_modules()
                 if isinstance(m, torch.nn.RNNBase)]
        declared = net.spec.recurrent_layer(net.hparams)
        assert built == ([declared] if declared else []), name


def test_only_recurrent_models_have_a_deeplift_problem():
    for name in ALL:
        with torch.device("meta"):
            net = build_model(name, 1, 200)
        problem = net.deeplift_problem()
        assert (problem is not None) == (name in ("bigru_attention", "promoter_net")), name
