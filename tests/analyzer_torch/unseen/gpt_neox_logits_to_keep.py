"""A transformers GPT-NeoX (parallel attention and MLP, partial rotary): the LM head applied to
every position and the last row kept, against ``logits_to_keep=1``."""
import os

import torch
from transformers import GPTNeoXConfig, GPTNeoXForCausalLM

os.environ.setdefault("HF_HUB_OFFLINE", "1")

CLAIM = "dead-code-elimination"
SIZES = (8,)            # tokens
WIDTH, VOCAB = 32, 150

torch.set_num_threads(1)
_MODELS = []


def inputs(size):
    if not _MODELS:
        torch.manual_seed(0)
        config = GPTNeoXConfig(vocab_size=VOCAB, hidden_size=WIDTH, num_hidden_layers=2, num_attention_heads=4,
                               intermediate_size=64, max_position_embeddings=64, rotary_pct=0.5,
                               use_parallel_residual=True, tie_word_embeddings=False)
        _MODELS.append(GPTNeoXForCausalLM(config).eval())
    torch.manual_seed(size)
    return {"model": _MODELS[0], "ids": torch.randint(VOCAB, (1, size))}


def baseline(model, ids):
    with torch.inference_mode():
        return model(ids).logits[:, -1]


def optimized(model, ids):
    with torch.inference_mode():
        return model(ids, logits_to_keep=1).logits[:, -1]
