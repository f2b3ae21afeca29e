"""A transformers T5 (encoder-decoder, relative position biases, cross-attention): greedy
generation with use_cache=False against use_cache=True. Without the cache the decoder re-runs
its prefix at every step, and re-projects the encoder output into cross-attention keys and values.

A T5 with random weights greedily repeats one token (often the start token, 0), after which
every step's decoder input is the same and, with the cache too, a step's rows equal the previous
step's (genuine recomputation in both versions). ``no_repeat_ngram_size=1`` keeps the tokens distinct."""
import os

import torch
from transformers import T5Config, T5ForConditionalGeneration

os.environ.setdefault("HF_HUB_OFFLINE", "1")

CLAIM = "caching"
SIZES = (6,)            # source tokens
NEW_TOKENS = 4
VOCAB = 120

torch.set_num_threads(1)
_MODELS = []


def inputs(size):
    if not _MODELS:
        torch.manual_seed(0)
        config = T5Config(vocab_size=VOCAB, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_decoder_layers=2,
                          num_heads=4, relative_attention_num_buckets=8, decoder_start_token_id=0,
                          pad_token_id=0, eos_token_id=1)
        _MODELS.append(T5ForConditionalGeneration(config).eval())
    torch.manual_seed(size)
    return {"model": _MODELS[0], "ids": torch.randint(2, VOCAB, (1, size))}


def generate(model, ids, use_cache):
    with torch.inference_mode():
        return model.generate(ids, max_new_tokens=NEW_TOKENS, min_new_tokens=NEW_TOKENS, do_sample=False,
                              no_repeat_ngram_size=1, use_cache=use_cache)


def baseline(model, ids):
    return generate(model, ids, use_cache=False)


def optimized(model, ids):
    return generate(model, ids, use_cache=True)
