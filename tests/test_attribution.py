"""Attribution maps: DeepLIFT/SHAP rules for the zoo's layers (attributions sum to the change of
the output), the fallback to ISM, sequence and class choice, a planted motif found where it was
planted, and the files the attribute job writes."""

from __future__ import annotations

import logging
import warnings

import numpy as np
import pytest
import torch

from motifnet.data.encoded import EncodedSplit, save_split
from motifnet.data.onehot import encode
from motifnet.errors import InputError
from motifnet.interpret.attribution import (
    attribute_classes,
    attribute_model,
    chosen_classes,
    deep_lift_shap,
    ism_maps,
    ism_outputs,
    negative_class,
    saliency,
    select_targets,
    stratified_sample,
    uniform_references,
)
from motifnet.interpret.attribution_maps import ClassAttributions, load_classes, read_summary
from motifnet.interpret.methods import choose_method
from motifnet.io import write_json
from motifnet.models.registry import build_model
from motifnet.train.checkpoint import save_checkpoint

torch.set_num_threads(1)

CPU = torch.device("cpu")
LENGTH = 100
CONSENSUS = "TTGACGCAAT"
GPUS = {"cpu_only": True, "devices": [0], "lock_dir": ".gpu-locks", "jobs_per_device": 1}
SETTINGS = {"method": "deep_lift_shap", "classes": [], "max_sequences": 100, "references": 4,
            "seed": 0, "batch_size": 64}


def random_x(n: int, length: int = LENGTH, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return encode(["".join(rng.choice(list("ACGT"), length)) for _ in range(n)])


def planted(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Random sequences; every other one carries CONSENSUS at a random position (else -1)."""
    rng = np.random.default_rng(seed)
    seqs = ["".join(rng.choice(list("ACGT"), LENGTH)) for _ in range(n)]
    where = np.full(n, -1)
    for i in range(0, n, 2):
        where[i] = rng.integers(0, LENGTH - len(CONSENSUS) + 1)
        seqs[i] = seqs[i][:where[i]] + CONSENSUS + seqs[i][where[i] + len(CONSENSUS):]
    return encode(seqs), where


def planted_deepbind(n_outputs: int = 1) -> torch.nn.Module:
    """DeepBind whose filter 0 scores CONSENSUS and whose logits are that filter's maximum."""
    torch.manual_seed(0)
    model = build_model("deepbind", n_outputs, LENGTH,
                        {"filters": 4, "dense_units": 4, "dropout": 0.0, "pooling": "max"})
    conv, first, last = model.conv1[0], model.head[1], model.head[4]
    with torch.no_grad():
        conv.weight.zero_()
        conv.bias.fill_(-1e3)
        codes = ["ACGT".index(b) for b in CONSENSUS]
        conv.weight[0, codes, 7 + np.arange(len(CONSENSUS))] = 1.0
        conv.bias[0] = -6.0
        for layer in (first, last):
            layer.weight.zero_()
            layer.bias.zero_()
            layer.weight[:, 0] = 1.0
    return model.eval()


@pytest.mark.parametrize("name,params", [
    ("koo_cnn", {"variant": "cnn-25", "filters1": 8, "filters2": 8, "rc_average": True}),
    ("koo_cnn", {"variant": "cnn-2", "filters1": 8, "filters2": 8, "activation": "exp"}),
    ("promoter_cnn", {"filters1": 8, "filters2": 8}),
    ("deepbind", {"filters": 8, "activation": "exp"}),
    ("gb_final", {}),
    ("attention_net", {"filters": 8, "residual_blocks": 1, "fc_layers": 1}),
])
def test_deeplift_attributions_add_up_for_every_zoo_layer(name, params):
    """tangermeme warns for every batch whose attributions do not sum to the change of the
    output; with the zoo's rules (global max-pool, exp, attention pooling, two-pass strand
    average) none does."""
    torch.manual_seed(0)
    model = build_model(name, 3, LENGTH, params).eval()
    x = torch.from_numpy(random_x(6))
    maps, warned = deep_lift_shap(model, x, target=1, references=3, seed=0, batch_size=9,
                                  device=CPU)
    assert maps.shape == (6, 4, LENGTH) and np.isfinite(maps).all()
    assert warned == 0
    assert np.abs(maps).sum() > 0


def test_uniform_unknown_bases_stay_uniform_in_the_references():
    """With encoding.unknown uniform the references are dinucleotide shuffles whose unknown
    bases are 0.25 columns, as in the data, and the attributions still add up."""
    seqs = ["".join(np.random.default_rng(i).choice(list("ACGT"), LENGTH)) for i in range(4)]
    seqs = [s[:10] + "NNNNN" + s[15:] for s in seqs]
    x = torch.from_numpy(encode(seqs, unknown="uniform"))
    refs = uniform_references(x, 3, seed=0)
    assert refs.shape == (4, 3, 4, LENGTH)
    assert ((refs == 0.25).all(dim=2).sum(dim=-1) == 5).all()  # five unknown columns each
    assert torch.equal(refs.sum(dim=2), torch.ones(4, 3, LENGTH))
    torch.manual_seed(0)
    model = build_model("koo_cnn", 2, LENGTH, {"variant": "cnn-25"}).eval()
    maps, warned = deep_lift_shap(model, x, target=1, references=3, seed=0, batch_size=6,
                                  device=CPU, unknown="uniform")
    assert maps.shape == (4, 4, LENGTH) and np.isfinite(maps).all() and warned == 0


def test_a_strand_averaged_model_in_one_batch_would_pair_the_wrong_references():
    """Why strand-averaged models are attributed in two passes: run as one batch of both
    strands, DeepLIFT's attributions no longer add up."""
    from tangermeme.deep_lift_shap import deep_lift_shap as dls

    torch.manual_seed(0)
    model = build_model("koo_cnn", 3, LENGTH, {"variant": "cnn-25", "rc_average": True}).eval()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RuntimeWarning)
        dls(model, torch.from_numpy(random_x(4)), target=0, n_shuffles=3, random_state=0,
            device=CPU)
    assert any("onvergence" in str(w.message) for w in caught)


def test_recurrent_models_fall_back_to_ism_and_say_why():
    for name in ("bigru_attention", "promoter_net"):
        with torch.device("meta"):
            model = build_model(name, 1, LENGTH)
        method, why = choose_method("deep_lift_shap", model.name, model.deeplift_problem())
        assert method == "ism" and f"model '{name}'" in why and "no DeepLIFT rule" in why
        assert choose_method("saliency", model.name, model.deeplift_problem()) == ("saliency", "")
    deepbind = planted_deepbind()
    assert choose_method("deep_lift_shap", deepbind.name,
                         deepbind.deeplift_problem()) == ("deep_lift_shap", "")
    with pytest.raises(InputError, match="unknown attribution method"):
        choose_method("lime", deepbind.name, None)


def test_classes_and_sequences_are_chosen_as_configured():
    assert chosen_classes(["a", "b", "c"], []) == [0, 1, 2]
    assert chosen_classes(["a", "b", "c"], ["c", "a"]) == [2, 0]
    with pytest.raises(InputError, match=r"\['d'\] are not classes") as caught:
        chosen_classes(["a", "b"], ["d"])
    assert caught.value.key == "attribution.classes" and "a, b" in caught.value.hint
    y = np.zeros((10, 2), np.uint8)
    y[[1, 3, 4, 8], 0] = 1
    y[[4, 9], 1] = 1
    split = np.array(["train"] * 10)
    targets = select_targets(y, split, ["a", "b"], [0, 1], None, 100, 0)
    assert [(t.name, t.column, t.sign, t.rows.tolist()) for t in targets] == [
        ("a", 0, 1, [1, 3, 4, 8]), ("b", 1, 1, [4, 9])]
    few = select_targets(y, split, ["a", "b"], [0], None, 3, 0)[0].rows
    assert len(few) == 3 and set(few) <= {1, 3, 4, 8} and (np.diff(few) > 0).all()
    assert few.tolist() == select_targets(y, split, ["a", "b"], [0], None, 3, 0)[0].rows.tolist()


def test_a_real_negative_class_is_a_target_of_its_own_and_generated_ones_are_not():
    y = np.array([[1], [0], [1], [0], [0]], np.uint8)
    split = np.array(["train", "train", "val", "test", "test"])
    targets = select_targets(y, split, ["CTCF"], [0], "GATA", 100, 0)
    assert [(t.name, t.column, t.sign, t.rows.tolist()) for t in targets] == [
        ("CTCF", 0, 1, [0, 2]), ("GATA", 0, -1, [1, 3, 4])]
    assert negative_class({"task": "binary", "extraction": {"negative_class": "GATA"}}) == "GATA"
    # generated negatives (gc_matched, shuffled, flank) are recorded as such: background
    assert negative_class({"task": "binary",
                           "extraction": {"negatives": {"kind": "gc_matched"}}}) is None
    assert negative_class({"task": "multilabel", "extraction": {"negative_class": "x"}}) is None


def test_the_sample_of_a_class_is_stratified_by_split_and_seeded():
    split = np.array(["train"] * 700 + ["val"] * 100 + ["test"] * 200)
    rows = np.arange(1000)
    rng = np.random.default_rng(3)
    sample = stratified_sample(rows, split, 101, rng)
    names, counts = np.unique(split[sample], return_counts=True)
    assert dict(zip(names, counts.tolist())) == {"train": 71, "val": 10, "test": 20}
    assert len(set(sample)) == 101 and (np.diff(sample) > 0).all()
    again = stratified_sample(rows, split, 101, np.random.default_rng(3))
    assert again.tolist() == sample.tolist()
    assert stratified_sample(rows[:50], split, 101, rng).tolist() == list(range(50))


def test_ism_maps_are_tangermemes_per_class_attributions():
    from tangermeme.saturation_mutagenesis import saturation_mutagenesis

    torch.manual_seed(0)
    model = build_model("deepbind", 3, 40, {"filters": 4}).eval()
    x = torch.from_numpy(random_x(3, 40))
    y0, y_hat = ism_outputs(model, x, 64, CPU)
    for k in range(3):
        expected = saturation_mutagenesis(model, x, target=k, hypothetical=True, device=CPU)
        np.testing.assert_allclose(ism_maps(y0, y_hat, k), expected.numpy(), atol=1e-5)


def test_saliency_is_gradient_corrected():
    """Majdandzic's correction: hypothetical maps sum to zero over the bases of a position."""
    torch.manual_seed(0)
    model = build_model("promoter_cnn", 2, LENGTH, {"filters1": 8, "filters2": 8}).eval()
    maps = saliency(model, torch.from_numpy(random_x(3)), 1, 8, CPU)
    np.testing.assert_allclose(maps.sum(axis=1), 0.0, atol=1e-5)
    assert np.abs(maps).max() > 0


@pytest.mark.parametrize("method", ["deep_lift_shap", "ism", "saliency"])
def test_the_planted_motif_carries_the_attribution(method):
    x, where = planted(20)
    y = (where >= 0).astype(np.uint8)[:, None]
    targets = select_targets(y, np.full(20, "test"), ["motif"], [0], None, 100, 0)
    done, figures = attribute_classes(planted_deepbind(), x, np.arange(20).astype(str), targets,
                                      method, {**SETTINGS, "method": method}, CPU)
    maps = done[0]
    assert maps.method == method and len(maps.ids) == 10 and figures["skipped"] == []
    scores = maps.position_scores()
    for row, start in zip(scores, where[where >= 0]):
        inside = row[start:start + len(CONSENSUS)]
        assert inside.sum() > 0.9 * np.abs(row).sum(), (method, start)


def test_the_attribute_job_writes_maps_per_class_and_skips_a_class_without_positives(
        tmp_path, caplog):
    x, where = planted(40)
    y = np.stack([(where >= 0), np.zeros(40, bool)], axis=1).astype(np.uint8)
    save_split(tmp_path / "test.npz", EncodedSplit(x, y, np.array([f"s{i}" for i in range(40)])))
    save_checkpoint(tmp_path / "model.pt", planted_deepbind(2), model_name="deepbind",
                    encoding={"classes": ["motif", "never/seen"], "task": "multilabel"},
                    training={"device": "cpu"}, best_epoch=1, seconds=0.0, device="cpu")
    write_json(tmp_path / "encoding.json", {"task": "multilabel",
                                            "classes": ["motif", "never/seen"]})
    with caplog.at_level(logging.INFO):
        summary = attribute_model(tmp_path / "model.pt", {"test": tmp_path / "test.npz"},
                                  tmp_path / "encoding.json", {**SETTINGS, "max_sequences": 15},
                                  tmp_path / "attributions", gpus=GPUS, holds_gpu=False)
    assert "class never/seen: no sequence of it among those chosen; skipped" in caplog.text
    assert summary["sequences_per_split"] == {"motif": {"test": 15}}
    assert summary["classes"] == ["motif"] and summary["skipped"] == ["never/seen"]
    assert read_summary(tmp_path / "attributions")["method"] == "deep_lift_shap"
    assert sorted(p.name for p in (tmp_path / "attributions").iterdir()) == [
        "attribution.json", "motif.npz"]
    (maps,) = load_classes(tmp_path / "attributions")
    assert isinstance(maps, ClassAttributions) and len(maps.ids) == 15
    assert maps.hypothetical.dtype == np.float16 and maps.x.shape == (15, 4, LENGTH)
    assert set(maps.ids) <= {f"s{i}" for i in range(0, 40, 2)}
    assert maps.requested == "deep_lift_shap" and maps.fallback == ""


def test_a_recurrent_model_is_attributed_by_ism_and_the_fallback_is_recorded(tmp_path):
    torch.manual_seed(0)
    gru = build_model("bigru_attention", 1, 30, {"embed_dim": 4, "hidden": 4,
                                                 "attention_dim": 4, "fc1_units": 4,
                                                 "fc2_units": 4})
    save_checkpoint(tmp_path / "model.pt", gru, model_name="bigru_attention",
                    encoding={"classes": ["c"], "task": "binary"},
                    training={"device": "cpu"}, best_epoch=1, seconds=0.0, device="cpu")
    save_split(tmp_path / "test.npz", EncodedSplit(random_x(6, 30), np.ones((6, 1), np.uint8),
                                                   np.array([f"s{i}" for i in range(6)])))
    write_json(tmp_path / "encoding.json", {"task": "binary", "classes": ["c"]})
    summary = attribute_model(tmp_path / "model.pt", {"test": tmp_path / "test.npz"},
                              tmp_path / "encoding.json", SETTINGS, tmp_path / "maps",
                              gpus=GPUS, holds_gpu=False)
    assert summary["method"] == "ism" and summary["requested"] == "deep_lift_shap"
    assert "GRU layer 'gru' has no DeepLIFT rule" in summary["fallback"]
    (maps,) = load_classes(tmp_path / "maps")
    assert maps.method == "ism" and "GRU" in maps.fallback


def test_both_classes_of_a_binary_task_are_attributed_from_every_split(tmp_path):
    """The class labelled 0 is attributed with the output negated (its evidence); the
    sequences come from every split given, stratified, and the counts are recorded."""
    x, where = planted(60)
    y = (where >= 0).astype(np.uint8)[:, None]
    ids = np.array([f"s{i}" for i in range(60)])
    for name, rows in (("train", slice(0, 40)), ("val", slice(40, 50)), ("test", slice(50, 60))):
        save_split(tmp_path / f"{name}.npz", EncodedSplit(x[rows], y[rows], ids[rows]))
    model = planted_deepbind()
    save_checkpoint(tmp_path / "model.pt", model, model_name="deepbind",
                    encoding={"classes": ["motif"], "task": "binary"},
                    training={"device": "cpu"}, best_epoch=1, seconds=0.0, device="cpu")
    write_json(tmp_path / "encoding.json", {"task": "binary", "classes": ["motif"],
                                            "extraction": {"negative_class": "plain"}})
    splits = {name: tmp_path / f"{name}.npz" for name in ("train", "val", "test")}
    summary = attribute_model(tmp_path / "model.pt", splits, tmp_path / "encoding.json",
                              {**SETTINGS, "method": "saliency", "max_sequences": 20},
                              tmp_path / "maps", gpus=GPUS, holds_gpu=False)
    assert summary["classes"] == ["motif", "plain"] and summary["negative_class"] == "plain"
    assert summary["sequences_per_split"] == {"motif": {"train": 14, "val": 3, "test": 3},
                                              "plain": {"train": 14, "val": 3, "test": 3}}
    motif, plain = load_classes(tmp_path / "maps")
    assert set(plain.ids) <= {f"s{i}" for i in range(1, 60, 2)}
    assert set(motif.ids) <= {f"s{i}" for i in range(0, 60, 2)}
    expected = saliency(model, torch.from_numpy(plain.x), 0, 64, CPU)
    np.testing.assert_allclose(plain.hypothetical, -expected, atol=1e-3)
