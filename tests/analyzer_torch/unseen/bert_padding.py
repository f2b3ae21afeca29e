"""A transformers BERT encoder run on a sequence padded to a fixed length (attention_mask zero on
the pads; the pads' outputs dropped), against run on the sequence unpadded.

Every operation on a pad position is work whose result the kept outputs do not depend on: the
mask gives the pads' keys a softmax weight of exactly zero. Whether that is dead code is
debatable (see tests/analyzer_torch/test_unseen_models.py): the pads' keys and values are read,
and multiplied by zero.
"""
import os

import torch
from transformers import BertConfig, BertModel

os.environ.setdefault("HF_HUB_OFFLINE", "1")

CLAIM = "dead-code-elimination"
SIZES = (8,)            # real tokens
PADDED = 12             # the fixed length the baseline pads to
VOCAB = 100

torch.set_num_threads(1)
_MODELS = []


def inputs(size):
    if not _MODELS:
        torch.manual_seed(0)
        config = BertConfig(vocab_size=VOCAB, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                            intermediate_size=64, max_position_embeddings=64, attn_implementation="eager")
        _MODELS.append(BertModel(config, add_pooling_layer=False).eval())
    torch.manual_seed(size)
    return {"model": _MODELS[0], "ids": torch.randint(1, VOCAB, (1, size))}


def baseline(model, ids):
    n = ids.shape[1]
    padded = torch.zeros(1, PADDED, dtype=ids.dtype)
    padded[:, :n] = ids
    mask = torch.zeros(1, PADDED, dtype=torch.long)
    mask[:, :n] = 1
    with torch.inference_mode():
        return model(padded, attention_mask=mask).last_hidden_state[:, :n]


def optimized(model, ids):
    with torch.inference_mode():
        return model(ids).last_hidden_state
