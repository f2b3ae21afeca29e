"""Last-token logits: a language model's head applied to every position's hidden state, of which
generation reads only the last row, against the head applied to the last position alone.

The hidden states (positions x width) are the backbone's output and stay as they are: earlier
positions feed the KV cache and the attention of later ones. Only the vocabulary projection
(width x vocabulary) of the earlier positions has no use. Written as explicit dot products, so
every logit is its own value: for n positions the baseline does n * vocab * width
multiplications and keeps the last vocab * width of them; the rest reach no output.
"""
import random

CLAIM = "dead-code-elimination"
SIZES = (8, 16, 32)      # prompt positions
WIDTH = 8
VOCAB = 32


def inputs(size):
    rng = random.Random(size)
    return {"hidden": [[rng.gauss(0, 1) for _ in range(WIDTH)] for _ in range(size)],
            "head": [[rng.gauss(0, 1) for _ in range(VOCAB)] for _ in range(WIDTH)]}


def logits_of(h, head):
    """One position's logits: h (width) times head (width x vocabulary)."""
    out = []
    for v in range(VOCAB):
        acc = h[0] * head[0][v]
        for j in range(1, WIDTH):
            acc = acc + h[j] * head[j][v]
        out.append(acc)
    return out


def baseline(hidden, head):
    logits = [logits_of(h, head) for h in hidden]
    return logits[-1]


def optimized(hidden, head):
    return logits_of(hidden[-1], head)
