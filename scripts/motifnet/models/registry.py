"""``build_model``: an architecture checked (:func:`~.catalog.check_architecture`) and built."""

from __future__ import annotations

from .architect import Architect
from .attention_net import AttentionNet, PromoterNet
from .base import MotifModel
from .bigru_attention import BiGRUAttention
from .catalog import check_architecture
from .deepbind import DeepBind
from .gb_cnn import GBBasic, GBFinal
from .koo_cnn import KooCNN
from .promoter_cnn import PromoterCNN
from .strand import ReverseComplementAverage

MODELS: dict[str, type[MotifModel]] = {
    cls.spec.name: cls
    for cls in (
        Architect,
        AttentionNet,
        BiGRUAttention,
        DeepBind,
        GBBasic,
        GBFinal,
        KooCNN,
        PromoterCNN,
        PromoterNet,
    )
}


def build_model(
    model: str, n_outputs: int, length: int, params: dict | None = None, *, key: str | None = None
) -> MotifModel:
    """Build architecture ``model`` for ``n_outputs`` logits and sequences of ``length``.

    ``params`` (hyperparameters, e.g. from the config) override the defaults; ``rc_average: true``
    wraps the model so that its logits are averaged over both strands. Everything is checked
    before any layer is built (:func:`~.catalog.check_architecture`, which names ``key``, the
    config path of the architecture entry, in its errors).
    """
    _, hparams = check_architecture(model, n_outputs, length, params, key=key)
    net = MODELS[model](int(n_outputs), int(length), hparams)
    return ReverseComplementAverage(net) if hparams["rc_average"] else net
