"""PagedAttention's block sharing in parallel sampling (Kwon et al. 2023; numpy, float64).

S = 4 samples of one prompt of P tokens (the size) decode T = 4 new tokens each, in lockstep,
as a serving batch does. The "model" is one attention head: fixed projections Wq, Wk, Wv
(D x D, D = 16) and fixed embeddings of each sample's new tokens, so both versions compute the
same attention outputs (S x T x D).

- baseline: pre-vLLM serving. Each sample owns one contiguous KV cache reserved for the longest
  output it may produce (P + MAX_NEW rows, MAX_NEW = 32, of which T are used) and projects the
  prompt's keys and values into it itself; each new token's key and value are appended and the
  token attends over the cache's first rows.
- optimized: paged. The prompt's keys and values are projected once and cut into blocks of
  BLOCK = 8 tokens, which every sample's block table points to (P is a multiple of BLOCK, so no
  prompt block is partly filled and no copy-on-write is needed); a sample allocates a block of
  its own only when its length crosses a block boundary, and attention gathers its keys and
  values through its block table. numpy has to copy the gathered rows (np.concatenate); vLLM's
  kernel reads them through the table in place.

Expected, by hand: the baseline projects the prompt S times, the optimized version once, so
caching explains (S - 1) x 2 x P x D x (2D - 1) flops — a (P x D) @ (D x D) product costs
P·D·D multiplications and P·(D - 1)·D additions, for keys and for values: 2,976·P, i.e.
190,464 at P = 64. Every other flop (new tokens' projections, scores, softmax, outputs) is the
same in both. The bookkeeping the instrumented probe counts: both versions compute each step's
position and length (2T ops); the baseline adds the reservation's length (1), the optimized
version the number of prompt blocks (1) and the boundary test ``pos % BLOCK == 0`` per step
(2T), so the saving is 2,976·P - 2T flops and caching's share 2,976·P / (2,976·P - 2T): the
2T extra ops are static (partial-evaluation in reverse). The reserved caches make the
baseline's peak live bytes larger; the gather copies make the paged version's traffic and
materialized bytes larger.
"""
import numpy as np

CLAIM = "caching"
SIZES = (16, 32, 64)    # prompt tokens P, shared by every sample
SAMPLES = 4             # S: parallel samples of the prompt
NEW = 4                 # T: tokens each sample decodes
MAX_NEW = 32            # tokens the baseline reserves per sample (the longest output allowed)
BLOCK = 8               # tokens per KV block
D = 16                  # model and head dimension


def inputs(size):
    if size < BLOCK or size % BLOCK:
        raise ValueError(f"paged_attention: the prompt length must be a positive multiple of {BLOCK}, not {size}")
    rng = np.random.default_rng(size)
    return {"prompt": rng.standard_normal((size, D)), "new": rng.standard_normal((SAMPLES, NEW, D)),
            "wq": rng.standard_normal((D, D)) / 4, "wk": rng.standard_normal((D, D)) / 4,
            "wv": rng.standard_normal((D, D)) / 4}


def attend(q, k, v):
    scores = k @ q / np.sqrt(D)
    p = np.exp(scores - np.max(scores))
    return (p / np.sum(p)) @ v


def baseline(prompt, new, wq, wk, wv):
    n = len(prompt)
    reserved = n + MAX_NEW
    k_caches, v_caches = [], []
    for s in range(SAMPLES):                        # one contiguous region per sample
        k_cache = np.zeros_like(prompt, shape=(reserved, D))
        v_cache = np.zeros_like(prompt, shape=(reserved, D))
        k_cache[:n] = prompt @ wk                   # every sample projects the prompt again
        v_cache[:n] = prompt @ wv
        k_caches.append(k_cache)
        v_caches.append(v_cache)
    out = [[None] * NEW for _ in range(SAMPLES)]
    for j in range(NEW):
        pos = n + j
        length = pos + 1
        for s in range(SAMPLES):
            x = new[s, j]
            k_caches[s][pos] = x @ wk
            v_caches[s][pos] = x @ wv
            out[s][j] = attend(x @ wq, k_caches[s][:length], v_caches[s][:length])
    return np.stack([np.stack(row) for row in out])


def optimized(prompt, new, wq, wk, wv):
    n = len(prompt)
    blocks = n // BLOCK
    k_prompt = (prompt @ wk).reshape(blocks, BLOCK, D)     # projected once
    v_prompt = (prompt @ wv).reshape(blocks, BLOCK, D)
    k_tables = [list(k_prompt) for _ in range(SAMPLES)]    # every table maps the shared blocks
    v_tables = [list(v_prompt) for _ in range(SAMPLES)]
    out = [[None] * NEW for _ in range(SAMPLES)]
    for j in range(NEW):
        pos = n + j
        length = pos + 1
        slot = pos % BLOCK
        fresh = slot == 0                                  # the samples grow in lockstep
        for s in range(SAMPLES):
            if fresh:                                      # a block of its own, on demand
                k_tables[s].append(np.zeros_like(prompt, shape=(BLOCK, D)))
                v_tables[s].append(np.zeros_like(prompt, shape=(BLOCK, D)))
            x = new[s, j]
            k_tables[s][-1][slot] = x @ wk
            v_tables[s][-1][slot] = x @ wv
            k = np.concatenate(k_tables[s])[:length]       # gathered through the block table
            v = np.concatenate(v_tables[s])[:length]
            out[s][j] = attend(x @ wq, k, v)
    return np.stack([np.stack(row) for row in out])
