"""Why a training job stopped, without torch (the summary reads it too).

A job stops by *early stopping* (``patience`` epochs without a better validation score) or at
the *epoch cap*. At the cap it is *still improving* when its best epoch lies within the last
``window`` epochs: ``patience`` when early stopping could have fired (``patience < epochs``,
where reaching the cap means the patience never ran out), else a tenth of the epochs, at least
one (a fixed-length run such as Koo & Eddy's 100 epochs keeps the best epoch; it is still
improving when that epoch is among the last 10).
"""

from __future__ import annotations

import math

EARLY_STOPPING, EPOCH_CAP = "early_stopping", "epoch_cap"
LABELS = {
    (EARLY_STOPPING, False): "early stopping",
    (EPOCH_CAP, False): "at the cap, plateaued",
    (EPOCH_CAP, True): "stopped at the cap, still improving",
}


def improving_window(epochs: int, patience: int) -> int:
    """Epochs before the cap within which a best epoch counts as still improving."""
    return patience if patience < epochs else max(1, math.ceil(epochs / 10))


def stop_record(*, early_stopped: bool, best_epoch: int, epochs_run: int, epochs: int,
                patience: int) -> dict:
    """``stop_reason``, ``still_improving``, ``improving_window`` and ``stopped`` (the label
    the summary and the training plot print) of one training job."""
    window = improving_window(epochs, patience)
    reason = EARLY_STOPPING if early_stopped else EPOCH_CAP
    improving = not early_stopped and epochs_run - best_epoch < window
    return {"stop_reason": reason, "still_improving": improving, "improving_window": window,
            "stopped": LABELS[reason, improving]}
