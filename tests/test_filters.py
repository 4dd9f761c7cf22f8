"""Filter PFM extraction: a motif planted in a conv1 filter is recovered at the right offset and
orientation, and the vectorised counts equal a per-sequence reference."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from motifnet.data.onehot import encode
from motifnet.errors import InputError
from motifnet.models.registry import build_model
from motifnet.motifs.filters import FilterOutputs, extract_filter_motifs, extract_pfms
from motifnet.motifs.meme import information_content, read_meme, write_meme
from motifnet.motifs.pfm import FilterPFMs

from conftest import REPO

torch.set_num_threads(1)

JASPAR_TARGETS = REPO / "tests/data/tomtom_reference/targets.meme"

LENGTH = 100
CONSENSUS = "TTGACGCAAT"  # not its own reverse complement (ATTGCGTCAA)
PLANT_AT = 5  # first kernel column of the planted motif (kernel 19)
MOTIF_PFM = np.full((len(CONSENSUS), 4), 0.05)
MOTIF_PFM[np.arange(len(CONSENSUS)), ["ACGT".index(b) for b in CONSENSUS]] = 0.85


def _planted_model(seed: int = 0) -> torch.nn.Module:
    """koo_cnn (6 filters, k19); filter 0 scores MOTIF_PFM, filter 1 never fires."""
    torch.manual_seed(seed)
    model = build_model("koo_cnn", 1, LENGTH, {"filters1": 6})
    conv = model.conv1.conv
    with torch.no_grad():
        log_odds = np.log2(MOTIF_PFM / 0.25).T  # (4, W)
        conv.weight[0] = 0.0
        conv.weight[0, :, PLANT_AT : PLANT_AT + len(CONSENSUS)] = torch.tensor(log_odds)
        conv.bias[0] = -0.6 * log_odds.max(axis=0).sum()
        conv.bias[1] = -1e6
    return model


def _sequences(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Random sequences; every other one carries a sample of MOTIF_PFM at a random position."""
    rng = np.random.default_rng(seed)
    seqs = rng.choice(list("ACGT"), size=(n, LENGTH))
    where = np.full(n, -1)
    for i in range(0, n, 2):
        where[i] = rng.integers(0, LENGTH - len(CONSENSUS) + 1)
        site = [rng.choice(list("ACGT"), p=row) for row in MOTIF_PFM]
        seqs[i, where[i] : where[i] + len(CONSENSUS)] = site
    return encode(["".join(s) for s in seqs]), where


def _reference(model, x, mode, threshold, top_n) -> np.ndarray:
    """Per-sequence loop: the windows Koo & Eddy align, counted one by one."""
    width, offset = model.layer_window("conv1")
    model.eval()
    with torch.no_grad():
        act = model.layer_activations(torch.tensor(x), "conv1").numpy()
    counts = np.zeros((act.shape[1], width, 4))
    for f in range(act.shape[1]):
        best = act[:, f].max(axis=1)
        chosen = []
        for n in range(len(x)):
            start = int(act[n, f].argmax()) - offset
            if best[n] > 0 and 0 <= start and start + width <= x.shape[-1]:
                chosen.append((best[n], n, start))
        if mode == "threshold":
            chosen = [c for c in chosen if c[0] > threshold * best.max()]
        else:
            chosen = sorted(chosen, key=lambda c: (-c[0], c[1]))[:top_n]
        for _, n, start in chosen:
            counts[f] += x[n, :, start : start + width].T
    return counts


@pytest.mark.parametrize("mode", ["threshold", "top_n"])
def test_planted_motif_is_recovered_at_its_offset(mode):
    model = _planted_model()
    x, where = _sequences(600)
    model.train()
    result = extract_pfms(model, x, mode=mode, threshold=0.7, top_n=100, batch_size=128)
    assert model.training, "the model's training mode is restored"
    pfm = result.pfms()[0]
    core = pfm[PLANT_AT : PLANT_AT + len(CONSENSUS)]
    assert (
        "".join("ACGT"[i] for i in core.argmax(axis=1)) == CONSENSUS
    )  # forward strand, right offset
    ic = information_content(pfm)
    assert ic[PLANT_AT : PLANT_AT + len(CONSENSUS)].min() > 1.0
    flanks = np.r_[ic[:PLANT_AT], ic[PLANT_AT + len(CONSENSUS) :]]
    assert flanks.max() < 0.35
    # Only sequences carrying the motif at a position whose window is complete contribute.
    complete = (where >= PLANT_AT) & (where - PLANT_AT + 19 <= LENGTH)
    assert 20 <= result.nsites[0] <= complete.sum()
    if mode == "top_n":
        assert result.nsites[0] == 100


@pytest.mark.parametrize("mode", ["threshold", "top_n"])
def test_counts_equal_the_per_sequence_reference(mode):
    model = _planted_model(seed=3)
    x, _ = _sequences(300, seed=4)
    result = extract_pfms(model, x, mode=mode, threshold=0.5, top_n=40, batch_size=64)
    expected = _reference(model, x, mode, 0.5, 40)
    np.testing.assert_array_equal(result.counts, expected)
    np.testing.assert_array_equal(result.nsites, expected.sum(axis=2)[:, 0])


def test_weighted_sites_are_koo_and_eddys_published_alignment():
    """weighted_sites counts what their code (deepomics activation_pwm) counts: every position
    above the fraction of the filter's maximum, its window weighted by the activation, columns
    beyond the ends adding nothing; the planted motif comes back at its offset."""
    model = _planted_model(seed=3)
    x, _ = _sequences(150, seed=4)
    result = extract_pfms(model, x, mode="weighted_sites", threshold=0.5)
    width, offset = model.layer_window("conv1")
    with torch.no_grad():
        act = model.eval().layer_activations(torch.tensor(x), "conv1").numpy()
    expected = np.zeros_like(result.counts)
    for f in range(act.shape[1]):
        sites, positions = np.nonzero(act[:, f] > 0.5 * act[:, f].max())
        assert result.nsites[f] == len(sites)
        assert result.sequences[f] == len(set(sites))
        for n, p in zip(sites, positions):
            for j in range(width):
                if 0 <= p - offset + j < LENGTH:
                    expected[f, j] += act[n, f, p] * x[n, :, p - offset + j]
    np.testing.assert_allclose(result.counts, expected, rtol=1e-5, atol=1e-6)
    assert result.mode == "weighted_sites" and result.nsites[1] == 0
    core = result.pfms()[0][PLANT_AT : PLANT_AT + len(CONSENSUS)]
    assert "".join("ACGT"[i] for i in core.argmax(axis=1)) == CONSENSUS
    assert (result.table()["coverage"] <= 1).all()


def test_silent_filter_is_kept_and_flagged(tmp_path):
    model = _planted_model()
    x, _ = _sequences(200)
    result = extract_pfms(model, x)
    table = result.table()
    assert len(table) == 6
    silent = table.iloc[1]
    assert (silent.nsites, silent.flag, silent.max_activation, silent.coverage) == (
        0,
        "never_fires",
        0.0,
        0.0,
    )
    np.testing.assert_allclose(result.pfms()[1], 0.25)
    assert table.iloc[0].flag == "" and table.iloc[0].ic_bits > 10
    assert table.iloc[0].coverage == pytest.approx(result.nsites[0] / 200)
    queries = result.motifs(min_sites=1)
    assert "conv1_f001" not in [m.id for m in queries] and queries[0].id == "conv1_f000"
    write_meme(tmp_path / "q.meme", queries)
    assert [m.id for m in read_meme(tmp_path / "q.meme")] == [m.id for m in queries]
    result.save(tmp_path / "pfms.npz")
    back = FilterPFMs.load(tmp_path / "pfms.npz")
    np.testing.assert_array_equal(back.counts, result.counts)
    assert (back.layer, back.n_sequences, back.mode) == ("conv1", 200, "threshold")


def test_unknown_layer_lists_the_available_ones():
    model = _planted_model()
    x, _ = _sequences(10)
    with pytest.raises(InputError, match=r"no convolution layer 'conv2' .*available: \['conv1'\]"):
        extract_pfms(model, x, layer="conv2")
    gru = build_model("bigru_attention", 1, 70)
    with pytest.raises(InputError, match=r"available: \[\]"):
        extract_pfms(gru, x[:, :, :70], layer="conv1")
    with pytest.raises(InputError, match="unknown PFM mode"):
        extract_pfms(model, x, mode="best")


def test_a_model_without_input_convolution_gets_empty_motif_outputs(tmp_path):
    """Asked of a checkpoint the config did not declare, a GRU's motif jobs still run: empty
    filters, no names, an empty logo grid and a summary row."""
    from motifnet.data.encoded import EncodedSplit, save_split
    from motifnet.motifs.logos import draw_filter_logos
    from motifnet.motifs.naming import NamingOutputs, name_filters
    from motifnet.report.summary import summary_row
    from motifnet.train.checkpoint import save_checkpoint

    gru = build_model("bigru_attention", 1, 70)
    save_checkpoint(tmp_path / "model.pt", gru, model_name="bigru_attention",
                    encoding={"classes": ["c"], "task": "binary"}, training={}, best_epoch=1,
                    seconds=0.0, device="cpu")
    x, _ = _sequences(20)
    save_split(tmp_path / "test.npz", EncodedSplit(x[:, :, :70], np.zeros((20, 1), np.uint8),
                                                   np.array([f"s{i}" for i in range(20)])))
    settings = {"max_sequences": 20, "mode": "threshold", "threshold": 0.7, "top_n": 10,
                "trim_ic": 0.5}
    extract_filter_motifs(tmp_path / "model.pt", tmp_path / "test.npz", ["conv1"], settings,
                          FilterOutputs(tmp_path / "pfms", tmp_path / "filters.tsv",
                                        tmp_path / "filters.meme"))
    assert (tmp_path / "filters.tsv").read_text().startswith("layer\tfilter\tid")
    tomtom = {"engine": "builtin", "dist": "pearson", "min_overlap": 5, "evalue_threshold": 0.1,
              "fdr": 0.05, "min_ic": 4.0, "null_shuffles": 2, "null_seed": 0}
    learned = name_filters(tmp_path / "filters.meme", tmp_path / "filters.tsv", JASPAR_TARGETS,
                           tomtom, None, NamingOutputs(tmp_path / "tomtom.tsv",
                                                       tmp_path / "names.tsv",
                                                       tmp_path / "learned.json"))
    assert learned["layers"] == {}
    draw_filter_logos(tmp_path / "pfms", tmp_path / "filters.tsv", tmp_path / "names.tsv",
                      JASPAR_TARGETS, tmp_path / "logos.png", tmp_path / "matches")
    assert (tmp_path / "logos.png").read_bytes()[:4] == b"\x89PNG"
    row = summary_row("d", "gru", {"model": "bigru_attention"}, {"auroc": 0.5}, learned)
    assert "motif_layer" not in row and row["test_auroc"] == 0.5


def test_unknown_bases_count_as_nothing_or_uniform():
    from motifnet.motifs.filters import base_codes, count_windows

    for unknown in ("zero", "uniform"):
        codes = base_codes(encode(["ACNG", "ACGT"], unknown=unknown))
        assert codes.tolist() == [[0, 1, 4, 2], [0, 1, 2, 3]]
        start, keep = np.zeros((2, 1), dtype=np.int64), np.ones((2, 1), dtype=bool)
        counts = count_windows(codes, start, keep, 4, unknown)[0]
        third = [0, 0, 1, 0] if unknown == "zero" else [0.25, 0.25, 1.25, 0.25]
        np.testing.assert_array_equal(counts[2], third)
        np.testing.assert_array_equal(counts[0], [2, 0, 0, 0])


def test_filters_that_give_no_pfm_are_a_named_outcome_not_a_database_error(tmp_path, caplog):
    """Every filter silent: filters.meme holds no motif; TomTom says so, names nothing, and
    does not blame the motif database."""
    from motifnet.data.encoded import EncodedSplit, save_split
    from motifnet.motifs.naming import NamingOutputs, name_filters
    from motifnet.train.checkpoint import save_checkpoint

    model = _planted_model()
    with torch.no_grad():
        model.conv1.conv.bias[:] = -1e6
    save_checkpoint(tmp_path / "model.pt", model, model_name="koo_cnn",
                    encoding={"classes": ["c"], "task": "binary"}, training={}, best_epoch=1,
                    seconds=0.0, device="cpu")
    x, _ = _sequences(20)
    save_split(tmp_path / "test.npz", EncodedSplit(x, np.zeros((20, 1), np.uint8),
                                                   np.array([f"s{i}" for i in range(20)])))
    settings = {"max_sequences": 20, "mode": "threshold", "threshold": 0.7, "top_n": 10,
                "trim_ic": 0.5}
    extract_filter_motifs(tmp_path / "model.pt", tmp_path / "test.npz", ["conv1"], settings,
                          FilterOutputs(tmp_path / "pfms", tmp_path / "filters.tsv",
                                        tmp_path / "filters.meme"))
    assert "MOTIF" not in (tmp_path / "filters.meme").read_text()
    tomtom = {"engine": "builtin", "dist": "pearson", "min_overlap": 5, "evalue_threshold": 0.1,
              "fdr": 0.05, "min_ic": 4.0, "null_shuffles": 2, "null_seed": 0}
    learned = name_filters(tmp_path / "filters.meme", tmp_path / "filters.tsv", JASPAR_TARGETS,
                           tomtom, None, NamingOutputs(tmp_path / "tomtom.tsv",
                                                       tmp_path / "names.tsv",
                                                       tmp_path / "learned.json"))
    assert learned["no_queries"].startswith("none of the 6 filters gave a PFM")
    assert "none of the 6 filters gave a PFM" in caplog.text
    assert "database" not in caplog.text
    layer = learned["layers"]["conv1"]
    assert layer["n_filters"] == 6 and layer["n_significant"] == 0
    assert (tmp_path / "names.tsv").read_text().count("\n") == 7
