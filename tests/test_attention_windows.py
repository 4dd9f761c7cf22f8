"""The attention geometry: torch-free window arithmetic declared on the architectures' specs,
checked against the input gradients of the models built from them."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from motifnet.models.attention_windows import AttentionGeometry, Window, same_pool
from motifnet.models.catalog import ARCHITECTURES, attention_models
from motifnet.models.registry import MODELS, build_model


def attention_geometry(model: str, hparams: dict, length: int) -> AttentionGeometry | None:
    return ARCHITECTURES[model].attention_geometry(hparams, length)

SMALL = {
    "attention_net": {"filters": 4, "kernel": 3, "stem_convs": 2, "residual_blocks": 2,
                      "fc_units": 4, "fc_layers": 1},
    "promoter_net": {"filters": 4, "kernel": 5, "stem_convs": 2, "pool": 4,
                     "residual_blocks": 1, "lstm_units": 4, "fc_units": 4, "fc_layers": 1},
    "bigru_attention": {"embed_dim": 4, "hidden": 4, "attention_dim": 4, "fc1_units": 4,
                        "fc2_units": 4},
}


def test_same_convolutions_widen_the_window_around_the_position():
    window = Window().same_convs(3, 12)
    assert window == Window(width=25, stride=1, offset=12)
    assert Window().same_convs(4) == Window(width=4, stride=1, offset=1)  # even: 1 left, 2 right


def test_a_pool_multiplies_the_stride_and_later_layers_widen_by_it():
    pooled, positions = same_pool(Window().same_convs(5, 4), 200, 4, 4)
    assert (pooled, positions) == (Window(20, 4, 8), 50)
    assert pooled.same_convs(5, 6) == Window(116, 4, 56)
    # TensorFlow 'same': 10 positions by 4 -> 3 outputs, 2 padded (1 left, 1 right)
    assert same_pool(Window(), 10, 4, 4) == (Window(4, 4, 1), 3)


def test_default_geometries_of_the_zoo():
    defaults = {name: ARCHITECTURES[name].resolve({}, None) for name in attention_models()}
    assert attention_geometry("attention_net", defaults["attention_net"], 200).window == Window(
        25, 1, 12)
    promoter = attention_geometry("promoter_net", defaults["promoter_net"], 200)
    assert promoter.window == Window(116, 4, 56) and promoter.positions == 50
    assert attention_geometry("bigru_attention", defaults["bigru_attention"], 200).window == (
        Window())
    assert attention_models() == ["architect", "attention_net", "bigru_attention", "promoter_net"]
    assert attention_geometry("koo_cnn", ARCHITECTURES["koo_cnn"].resolve({}, None), 200) is None


def test_the_declared_models_are_those_with_an_attention_pooling():
    with_attention = {name for name, cls in MODELS.items() if hasattr(cls, "attention_weights")}
    assert with_attention == set(attention_models())


def test_centres_and_cuts_stay_inside_the_sequence():
    geometry = AttentionGeometry(Window(25, 1, 12), 200, 200)
    assert geometry.bounds()[0].tolist() == [0, 13] and geometry.bounds()[199].tolist() == [187,
                                                                                              200]
    assert geometry.centres()[[0, 100, 199]].tolist() == [0, 100, 199]
    assert geometry.cut(np.array([0, 100, 199]), 10).tolist() == [0, 96, 190]
    strided = AttentionGeometry(Window(116, 4, 56), 50, 200)
    assert strided.centres()[[0, 10, 49]].tolist() == [1, 41, 197]
    assert strided.cut(10, 11).tolist() == 36


def _input_support(features, x: torch.Tensor, position: int) -> np.ndarray:
    """Input positions whose bases change the features at ``position`` (over a batch)."""
    x = x.clone().requires_grad_(True)
    features(x)[:, :, position].abs().sum().backward()
    return np.flatnonzero(x.grad.abs().sum(dim=(0, 1)).numpy() > 0)


def _random_onehot(n: int, length: int, seed: int = 0) -> torch.Tensor:
    rng = np.random.default_rng(seed)
    return torch.as_tensor(np.eye(4, dtype=np.float32)[rng.integers(0, 4, (n, length))]
                           ).transpose(1, 2).contiguous()


@pytest.mark.parametrize("length", [60, 61])
def test_attention_net_windows_are_the_input_gradients_support(length):
    model = build_model("attention_net", 2, length, SMALL["attention_net"]).eval()
    geometry = attention_geometry("attention_net", model.hparams, length)
    x = _random_onehot(8, length)
    assert model.attention_weights(x).shape == (8, geometry.positions)
    for position in (0, 5, 30, length - 1):
        start, end = geometry.bounds()[position]
        assert _input_support(model._pooled_features, x, position).tolist() == list(
            range(start, end))


@pytest.mark.parametrize("length", [64, 66])
def test_promoter_net_windows_before_its_lstm(length):
    """Before the LSTM the support is the window; after it, everything up to the window's end
    (a forward LSTM carries the sequence before)."""
    model = build_model("promoter_net", 2, length, SMALL["promoter_net"]).eval()
    geometry = attention_geometry("promoter_net", model.hparams, length)
    x = _random_onehot(64, length)
    assert model.attention_weights(x).shape == (64, geometry.positions)

    def before_lstm(h):
        for conv in model.stem:
            h = conv(h)
        return model.blocks(model.pool(h))

    for position in (0, 3, geometry.positions - 1):
        start, end = geometry.bounds()[position]
        assert _input_support(before_lstm, x, position).tolist() == list(range(start, end))
        after = _input_support(model._pooled_features, x, position)
        assert after.min() == 0 and after.max() == end - 1


def test_bigru_positions_are_bases():
    model = build_model("bigru_attention", 2, 30, SMALL["bigru_attention"]).eval()
    geometry = attention_geometry("bigru_attention", model.hparams, 30)
    weights = model.attention_weights(_random_onehot(3, 30))
    assert weights.shape == (3, 30) and geometry.centres().tolist() == list(range(30))
    assert torch.allclose(weights.sum(dim=1), torch.ones(3))


def test_architect_declares_the_geometry_of_the_tables_it_reproduces():
    from motifnet.models.architect import ATTENTION_NET, PROMOTER_NET

    spec = ARCHITECTURES["architect"]
    zoo = {name: ARCHITECTURES[name].resolve({}, None) for name in ("attention_net",
                                                                    "promoter_net")}
    for table, name in ((ATTENTION_NET, "attention_net"), (PROMOTER_NET, "promoter_net")):
        assert spec.attention_geometry(spec.resolve(table, None), 200) == attention_geometry(
            name, zoo[name], 200)
    assert spec.attention_geometry(spec.resolve({"global_reduction": "max"}, None), 200) is None


@pytest.mark.parametrize("reduction", ["max", "mean", "strided"])
def test_architect_windows_are_the_input_gradients_support(reduction):
    params = {"filters": 4, "kernel": 3, "kernel1": 5, "pool1": 2, "convs_before": 2,
              "residual_before": 1, "reduction": reduction, "reduction_stride": 3,
              "convs_after": 1, "residual_after": 0, "fc_layers": 1, "fc_units": 4}
    length = 61
    model = build_model("architect", 2, length, params).eval()
    geometry = ARCHITECTURES["architect"].attention_geometry(model.hparams, length)
    x = _random_onehot(64, length)
    assert model.attention_weights(x).shape == (64, geometry.positions)
    for position in (0, 4, geometry.positions - 1):
        start, end = geometry.bounds()[position]
        assert _input_support(model._pooled_features, x, position).tolist() == list(
            range(start, end))
