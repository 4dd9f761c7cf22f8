"""Why training stopped: early stopping, or the epoch cap while still improving (recorded by
the job, shown in the summary)."""

import pandas as pd
import pytest

from motifnet.report.summary import summary_html, summary_row
from motifnet.train.stopping import improving_window, stop_record


def test_the_window_is_the_patience_unless_training_has_a_fixed_length():
    assert improving_window(epochs=20, patience=4) == 4
    assert improving_window(epochs=100, patience=100) == 10  # Koo & Eddy's fixed 100 epochs
    assert improving_window(epochs=5, patience=8) == 1


@pytest.mark.parametrize("early,best,run,epochs,patience,reason,improving,label", [
    (True, 6, 10, 20, 4, "early_stopping", False, "early stopping"),
    (False, 8, 8, 8, 4, "epoch_cap", True, "stopped at the cap, still improving"),
    (False, 95, 100, 100, 100, "epoch_cap", True, "stopped at the cap, still improving"),
    (False, 40, 100, 100, 100, "epoch_cap", False, "at the cap, plateaued"),
])
def test_stop_record(early, best, run, epochs, patience, reason, improving, label):
    record = stop_record(early_stopped=early, best_epoch=best, epochs_run=run, epochs=epochs,
                         patience=patience)
    assert (record["stop_reason"], record["still_improving"], record["stopped"]) == \
        (reason, improving, label)


def test_the_summary_says_a_model_stopped_at_the_cap_still_improving():
    metrics = {"auroc": 0.7, "epochs_run": 8, "best_epoch": 8,
               **stop_record(early_stopped=False, best_epoch=8, epochs_run=8, epochs=8,
                             patience=4)}
    row = summary_row("koo_synthetic", "promoter_cnn", {"model": "promoter_cnn"}, metrics, None)
    assert row["stopped"] == "stopped at the cap, still improving" and row["best_epoch"] == 8
    page = summary_html(pd.DataFrame([row]))
    assert "training stopped" in page and "stopped at the cap, still improving" in page
