"""The model zoo: PyTorch architectures mapping one-hot DNA (N, 4, L) to logits (N, K).

:mod:`.catalog` declares each architecture without torch (hyperparameters, sequence lengths,
motif layers), for config checks at parse time; :func:`.registry.build_model` builds one.
This file imports nothing, so the catalog is read without torch.
"""
