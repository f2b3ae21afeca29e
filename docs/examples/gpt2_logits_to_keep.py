"""A transformers GPT-2's next-token logits: the LM head over every position, of which the last
row is kept, against ``logits_to_keep=1``, which applies the head to the last position only.

The model is built from a config with random weights (nothing is downloaded). For a prompt of
n positions the head is an (n x width) @ (width x vocabulary) product; the baseline keeps one
of its n rows, so (n - 1) / n of the head's work reaches no output: dead-code elimination.
Everything before the head (the blocks, the final layer norm) runs the same in both.
"""
import os

import torch
from transformers import GPT2Config, GPT2LMHeadModel

os.environ.setdefault("HF_HUB_OFFLINE", "1")      # no network at run time

CLAIM = "dead-code-elimination"
SIZES = (16,)           # prompt positions
LAYERS, WIDTH, HEADS, VOCAB = 2, 64, 4, 500

torch.set_num_threads(1)
_MODELS = []


def inputs(size):
    if not _MODELS:     # built once: both versions only read it
        torch.manual_seed(0)
        config = GPT2Config(n_layer=LAYERS, n_embd=WIDTH, n_head=HEADS, vocab_size=VOCAB, n_positions=64,
                            bos_token_id=0, eos_token_id=0, pad_token_id=0)
        _MODELS.append(GPT2LMHeadModel(config).eval())
    torch.manual_seed(size)
    return {"model": _MODELS[0], "ids": torch.randint(VOCAB, (1, size))}


def baseline(model, ids):
    with torch.inference_mode():
        return model(ids).logits[:, -1]


def optimized(model, ids):
    with torch.inference_mode():
        return model(ids, logits_to_keep=1).logits[:, -1]
