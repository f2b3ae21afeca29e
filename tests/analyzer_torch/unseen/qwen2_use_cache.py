"""A transformers Qwen2 (biased q/k/v projections, grouped-query attention, tied embeddings off):
greedy decoding with use_cache=False against use_cache=True. Built from a tiny config, random weights."""
import os

import torch
from transformers import Qwen2Config, Qwen2ForCausalLM

os.environ.setdefault("HF_HUB_OFFLINE", "1")

CLAIM = "caching"
SIZES = (6,)            # prompt tokens
NEW_TOKENS = 4
VOCAB = 200

torch.set_num_threads(1)
_MODELS = []


def inputs(size):
    if not _MODELS:
        torch.manual_seed(0)
        config = Qwen2Config(num_hidden_layers=2, hidden_size=32, num_attention_heads=4, num_key_value_heads=2,
                             intermediate_size=64, vocab_size=VOCAB, max_position_embeddings=64,
                             pad_token_id=0, bos_token_id=0, eos_token_id=0, tie_word_embeddings=False)
        _MODELS.append(Qwen2ForCausalLM(config).eval())
    torch.manual_seed(size)
    return {"model": _MODELS[0], "ids": torch.randint(1, VOCAB, (1, size))}


def generate(model, ids, use_cache):
    with torch.inference_mode():
        return model.generate(ids, max_new_tokens=NEW_TOKENS, do_sample=False, use_cache=use_cache, pad_token_id=0)


def baseline(model, ids):
    return generate(model, ids, use_cache=False)


def optimized(model, ids):
    return generate(model, ids, use_cache=True)
