"""A transformers GPT-2's KV cache: greedy decoding with use_cache=False against use_cache=True.

The model is built from a config with random weights (nothing is downloaded). Without the
cache, every step runs the whole sequence again: the projections, MLPs and attention rows
of the earlier tokens are recomputed, row for row. With it, each step runs the new token
only. ``SIZES`` are prompt lengths; ``NEW_TOKENS`` tokens are generated after the prompt.
``LAYERS``/``WIDTH`` make it small enough for a test; GPT2Config() defaults (124M
parameters) run in bench/bench_transformers.py.
"""
import os

import torch
from transformers import GPT2Config, GPT2LMHeadModel

os.environ.setdefault("HF_HUB_OFFLINE", "1")      # no network at run time

CLAIM = "caching"
SIZES = (8,)            # prompt tokens
NEW_TOKENS = 4
LAYERS, WIDTH, HEADS, VOCAB = 2, 32, 2, 64

torch.set_num_threads(1)
_MODELS = {}


def model_for(layers=LAYERS, width=WIDTH, heads=HEADS, vocab=VOCAB):
    """One model per configuration, built once: both versions only read it."""
    key = (layers, width, heads, vocab)
    if key not in _MODELS:
        torch.manual_seed(0)
        config = GPT2Config(n_layer=layers, n_embd=width, n_head=heads, vocab_size=vocab,
                            n_positions=256, bos_token_id=0, eos_token_id=0, pad_token_id=0)
        _MODELS[key] = GPT2LMHeadModel(config).eval()
    return _MODELS[key]


def inputs(size):
    model = model_for()
    torch.manual_seed(size)
    return {"model": model, "ids": torch.randint(model.config.vocab_size, (1, size))}


def generate(model, ids, use_cache):
    with torch.inference_mode():
        return model.generate(ids, max_new_tokens=NEW_TOKENS, do_sample=False, use_cache=use_cache,
                              pad_token_id=model.config.pad_token_id)


def baseline(model, ids):
    return generate(model, ids, use_cache=False)


def optimized(model, ids):
    return generate(model, ids, use_cache=True)
