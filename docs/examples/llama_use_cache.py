"""A transformers Llama's KV cache with grouped-query attention (4 query heads sharing 2
key/value heads): greedy decoding with use_cache=False against use_cache=True.

Built from a config with random weights (nothing is downloaded). Without the cache every step
recomputes the earlier positions' projections, RMS norms, rotary embeddings and attention rows;
a query head reads the key/value head of its group, which the analyzer follows, so the
recomputed attention rows are found as such.
"""
import os

import torch
from transformers import LlamaConfig, LlamaForCausalLM

os.environ.setdefault("HF_HUB_OFFLINE", "1")      # no network at run time

CLAIM = "caching"
SIZES = (8,)            # prompt tokens
NEW_TOKENS = 4
VOCAB = 300

torch.set_num_threads(1)
_MODELS = []


def inputs(size):
    if not _MODELS:     # built once: both versions only read it
        torch.manual_seed(0)
        config = LlamaConfig(num_hidden_layers=2, hidden_size=64, num_attention_heads=4, num_key_value_heads=2,
                             intermediate_size=128, vocab_size=VOCAB, max_position_embeddings=64,
                             pad_token_id=0, bos_token_id=0, eos_token_id=0)
        _MODELS.append(LlamaForCausalLM(config).eval())
    torch.manual_seed(size)
    return {"model": _MODELS[0], "ids": torch.randint(VOCAB, (1, size))}


def generate(model, ids, use_cache):
    with torch.inference_mode():
        return model.generate(ids, max_new_tokens=NEW_TOKENS, do_sample=False, use_cache=use_cache, pad_token_id=0)


def baseline(model, ids):
    return generate(model, ids, use_cache=False)


def optimized(model, ids):
    return generate(model, ids, use_cache=True)
