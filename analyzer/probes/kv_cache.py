"""KV cache in autoregressive attention decoding (numpy).

At step t the baseline re-projects the keys and values of all t tokens so far; the
optimized version projects only the new token and appends its row to a cache. The
matrices ``X[:t] @ Wk`` differ at every step, but their first t-1 rows do not.
"""
import numpy as np

CLAIM = "caching"
SIZES = (8, 16, 32)      # tokens decoded
D = 16


def inputs(size):
    rng = np.random.default_rng(size)
    return {"x": rng.standard_normal((size, D)), "wq": rng.standard_normal((D, D)) / 4,
            "wk": rng.standard_normal((D, D)) / 4, "wv": rng.standard_normal((D, D)) / 4}


def attend(q, k, v):
    scores = k @ q / np.sqrt(D)
    p = np.exp(scores - np.max(scores))
    return (p / np.sum(p)) @ v


def baseline(x, wq, wk, wv):
    out = []
    for t in range(1, len(x) + 1):
        k = x[:t] @ wk
        v = x[:t] @ wv
        out.append(attend(x[t - 1] @ wq, k, v))
    return np.stack(out)


def optimized(x, wq, wk, wv):
    out = []
    k_cache = np.empty((len(x), D))
    v_cache = np.empty((len(x), D))
    for t in range(1, len(x) + 1):
        last = t - 1                       # the new token's row, computed once per step
        k_cache[last] = x[last] @ wk
        v_cache[last] = x[last] @ wv
        out.append(attend(x[last] @ wq, k_cache[:t], v_cache[:t]))
    return np.stack(out)
