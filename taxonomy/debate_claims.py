"""The eight claims of the debate, each answered from the catalog and the stored measurements.

Each function builds one `Claim`; the sentences are the reasoning, and every number in them is
read from the catalog (`Facts`) or a stored measurement (`ProbeEvidence`) when the page is made.
Where a probe has no stored record the claim says so instead of quoting a figure.
"""
from __future__ import annotations

import math

from .debate import Claim, Facts, Point, ProbeEvidence, count, listing, percent
from .model import Entry

CLASSIC_OR_BOTH = ("classic", "both")


def _verdicts(evidence: list[ProbeEvidence], verdict: str) -> list[str]:
    return sorted({e.probe for e in evidence if e.verdict == verdict})


def _measured_as(e: ProbeEvidence) -> str:
    """``measures caching (82%)`` or ``is not measured yet``."""
    if not e.measured:
        return "is not measured yet"
    share = dict(e.view.shares).get(e.verdict)
    return f"measures {e.verdict}" + (f" ({percent(share)})" if share is not None else "")


def _filing(f: Facts, entry: Entry) -> str:
    """``Filed beyond-the-four (saved by algebraic-restructuring); also argued: caching:``."""
    argued = f.alternatives(entry)
    return (f"Filed {entry.category}" + (f" (saved by {entry.saved_by})" if entry.saved_by else "")
            + (f"; also argued: {', '.join(argued)}" if argued else "") + ":")


def only_four(f: Facts) -> Claim:
    four = f.taxonomy.mechanisms
    total = len(f.entries)
    in_four = [e for e in f.entries if e.category in four]
    changing = f.where(category="ai-specific")
    beyond = f.where(category="beyond-the-four")
    saved_by = f.counts(beyond, "saved_by")
    examples = [next(e.id for e in beyond if e.saved_by == s) for s, _ in saved_by.most_common()]
    every = [e for e in f.every_probe() if e.measured]
    to_four = [e for e in every if e.verdict in four]
    filed_four = [e for e in every if f.get(e.entry).category in four]
    confirmed = [e for e in filed_four if f.taxonomy.agrees(f.get(e.entry).category, e.verdict)]
    return Claim(
        1, f.taxonomy.claim,
        f"Not as stated: {count(len(in_four))} of the catalog's {count(total)} entries are one of the four; "
        f"{count(len(changing))} change the function computed and {count(len(beyond))} are exact but saved by "
        "something none of the four produces.",
        (Point(f"Filed under the four: {f.by_category(in_four)}.", f.present(four)),
         Point(f"Filed ai-specific (a different function): {count(len(changing))}.", ("quantization",)),
         Point("Filed beyond-the-four, by what saves the work: "
               + ", ".join(f"{s} {n}" for s, n in saved_by.most_common()) + "; one of each:",
               tuple(examples), tuple(str(s) for s, _ in saved_by.most_common()))),
        (f.probe("memoization", "memoization", "A recursion that recomputes subproblems, memoized."),
         f.probe("constant-folding", "constant_folding", "Coefficients derived from a static input, once."),
         f.probe("dead-code-elimination", "dead_code_elimination", "Work whose result is never returned."),
         f.probe("inlining", "inlining", "The same arithmetic behind fewer calls."),
         f.probe("strassen", "strassen", "Seven block products where the naive product needs eight."),
         f.probe("quantization", "quantization", "Weights rounded to 8 bits.")),
        f"The four are real and common: of the {count(len(every))} stored measurements, {count(len(to_four))} "
        f"find one of the four, and for entries filed under the four the measurement agrees "
        f"{count(len(confirmed))} times out of {count(len(filed_four))}. The claim fails on two kinds of "
        f"optimization: exact ones whose saving comes from an algebraic identity, parallelism, scheduling, data "
        f"movement or a data structure (measured unexplained: {listing(_verdicts(every, 'unexplained'))}), and "
        f"ones that compute a different function (measured ai-specific: "
        f"{listing(_verdicts(every, 'ai-specific'))}).")


def ai_rediscovered(f: Facts) -> Claim:
    four = f.taxonomy.mechanisms
    ai = f.where(domain="ai")
    ai_four = [e for e in ai if e.category in four]
    ancestors = {e.id: [r for r in e.related if (c := f.get(r)) and c.domain == "classic"
                        and c.category == e.category] for e in ai_four}
    classical = sorted({r for found in ancestors.values() for r in found})
    with_ancestor = [e for e in ai_four if ancestors[e.id]]
    probes = (f.probe("kv-cache", "kv_cache", "Attention over a growing sequence, keys and values kept."),
              f.probe("kv-cache", "torch_kv_cache", "The same on torch.nn attention."),
              f.probe("operator-fusion", "torch_attention_fusion", "Attention's kernels fused into one."),
              f.probe("constant-folding", "torch_fx_constant_folding", "torch.fx folding a network's weights."),
              f.probe("last-token-logits", "last_token_logits", "The LM head on the last position only."))
    measured = [e for e in probes if e.measured]
    measured_four = [e for e in measured if e.verdict in four]
    rest = [e for e in ai if e.category not in four]
    return Claim(
        2, "AI researchers just discovered inlining and caching.",
        f"Partly: {count(len(ai_four))} of the catalog's {count(len(ai))} machine-learning entries are the four "
        "mechanisms applied to tensors, and their probes measure them so; most of the rest are not about the "
        "four at all.",
        (Point(f"Machine-learning entries (domain ai) filed under the four: {f.by_category(ai_four)}.",
               tuple(e.id for e in ai_four), tuple(e.category for e in ai_four)),
         Point(f"{count(len(with_ancestor))} of these {count(len(ai_four))} list a classical entry of the same "
               f"category among their related entries; the {count(len(classical))} classical entries they name:",
               tuple(classical),
               tuple(f.get(c).category for c in classical)),
         Point(f"The other {count(len(rest))} machine-learning entries: {f.by_category(rest)}.")),
        probes,
        f"{count(len(measured_four))} of the {count(len(measured))} measured probes of machine-learning workloads "
        "below measure one of the four, the mechanism a classical entry names: what is new is the scale "
        "(tensors, kernels, devices), not the mechanism. But \"just\" undersells the field: its own contributions are elsewhere, "
        f"in the {count(len([e for e in rest if e.category == 'ai-specific']))} function-changing entries and "
        f"the {count(len([e for e in rest if e.category == 'beyond-the-four']))} exact ones saved by "
        "parallelism, scheduling or data movement across devices.")


def ai_unique(f: Facts) -> Claim:
    changing = f.where(category="ai-specific")
    domains, improves = f.counts(changing, "domain"), f.counts(changing, "improves")
    older = sorted((e for e in changing if e.domain in CLASSIC_OR_BOTH),
                   key=lambda e: (e.introduced is None, e.introduced or 0, e.id))
    dated_ai = sorted((e for e in changing if e.domain == "ai" and e.introduced), key=lambda e: e.introduced)
    quality = [e for e in changing if e.improves in ("quality", "both")]
    rlhf = f.get("rlhf")
    first = older[0] if older and older[0].introduced else None
    predates = (f" The oldest, {first.name} ({first.introduced}), predates the oldest machine-learning one the "
                f"catalog dates, {dated_ai[0].name} ({dated_ai[0].introduced})."
                if first and dated_ai and first.introduced < dated_ai[0].introduced else "")
    perforation = f.probe("loop-perforation", "loop_perforation",
                          "Every second iteration of a mean skipped: a compiler transformation, nothing learned.")
    rlhf_text = (f"RLHF is filed {rlhf.category} with improves: {rlhf.improves}" if rlhf
                 else "RLHF is not in the catalog")
    return Claim(
        3, "AI has optimizations unique to the field; RLHF is one.",
        f"No: what the catalog files ai-specific is a different function computed, and {count(len(older))} of its "
        f"{count(len(changing))} such entries come from outside machine learning.{predates}",
        (Point("ai-specific entries by domain: " + ", ".join(f"{d} {domains.get(d, 0)}" for d in
                                                            ("ai", "classic", "both"))
               + "; by what they improve: " + ", ".join(f"{i} {improves.get(i, 0)}" for i in
                                                        ("cost", "quality", "both")) + "."),
         Point("Function-changing optimizations from outside machine learning (domain classic or both), "
               "oldest first:", tuple(e.id for e in older),
               tuple(str(e.introduced) if e.introduced else "" for e in older)),
         Point("ai-specific entries that make the result better rather than (only) cheaper:",
               tuple(e.id for e in quality), tuple(f"improves {e.improves}" for e in quality))),
        (perforation,
         f.probe("quantization", "quantization", "Weights rounded to 8 bits."),
         f.probe("pruning", "pruning", "The smallest weights set to zero."),
         f.probe("low-rank-factorization", "low_rank_factorization", "A weight replaced by a rank-r product.")),
        "The conclusion the catalog supports: function-changing optimizations predate AI. Bloom filters, random "
        "projection, HyperLogLog, loop perforation and fast-math reassociation all trade exactness for cost, "
        "and the analyzer tells them apart from exact optimizations the same way it does for quantization: "
        f"loop perforation {_measured_as(perforation)}. What machine learning has is a field where that trade "
        f"is the rule rather than the exception ({count(domains.get('ai', 0))} of the "
        f"{count(len(changing))} entries). {rlhf_text}: it changes the function to get a better one, not a "
        "cheaper one — an optimization of the model's objective, not of the computation, and so no answer to a "
        "claim about how programs are made faster.")


def fast_algorithms(f: Facts) -> Claim:
    ids = f.present(("strassen", "fft-convolution", "winograd-convolution"))
    entries = [f.get(i) for i in ids]
    points = tuple(Point(_filing(f, e), (e.id,)) for e in entries)
    family = f.present(("fast-matrix-multiplication", "toom-cook", "karatsuba", "fft"))
    probes = (f.probe("strassen", "strassen", "Seven 2x2-block products instead of eight, recursively."),
              f.probe("fft-convolution", "fft_convolution", "Convolution as a pointwise product of transforms."),
              f.probe("winograd-convolution", "winograd_convolution", "F(2,3): 4 multiplications instead of 6."),
              f.probe("karatsuba", "karatsuba", "Three half-size products instead of four."))
    categories = {e.category for e in entries}
    filed = f"has them filed {listing(sorted(categories))}" if categories else "has none of them"
    unexplained = [e for e in probes if e.verdict == "unexplained"]
    return Claim(
        4, "Where do Strassen, FFT convolution and Winograd convolution fit?",
        f"Beyond the four: the catalog {filed}, and {count(len(unexplained))} of the "
        f"{count(len([e for e in probes if e.measured]))} measured probes (theirs and Karatsuba's) read "
        "unexplained.",
        (*points, Point("The same family:", family, tuple(f.get(i).category for i in family))),
        probes,
        "Each computes values the naive version never computes — Strassen's seven products of sums, the "
        "transforms of the FFT convolution, Winograd's transformed tiles — because an algebraic identity lets "
        "fewer, different products give the same result. No repeated, dead, static or boundary-crossing "
        "operation of the baseline is removed, so the four passes find little or nothing to remove: "
        + "; ".join(f"{e.probe} {_measured_as(e)}" for e in probes)
        + ". That is why the catalog has a sixth filing, beyond-the-four, with saved_by: algebraic-restructuring.")


def fft_is_caching(f: Facts) -> Claim:
    fft = f.get("fft")
    direct = f.probe("fft", "fft", "The direct DFT against the radix-2 FFT.")
    recursion = f.probe("memoization", "fft_recursion_memoization",
                        "The Cooley–Tukey recursion evaluated per output, against the same recursion memoized.")
    catalog = (Point(_filing(f, fft), ("fft",)),) if fft else ()
    return Claim(
        5, "The FFT is common subexpression evaluation, so it is caching.",
        "Half right: the FFT is two steps, an algebraic restructuring that creates shared subexpressions and "
        "caching that shares them; the claim names only the second.",
        catalog, (direct, recursion),
        "The distributive step: split the DFT's sum over j into even and odd j, and factor w^k out of the odd "
        "half, which gives X[k] = E[k mod n/2] + w^k·O[k mod n/2]. " + _fft_figures(direct, recursion))


def _fft_figures(direct: ProbeEvidence, recursion: ProbeEvidence) -> str:
    parts = []
    if direct.measured:
        parts.append(f"Measured from the direct DFT, the FFT {_measured_as(direct)}: value numbering finds only "
                     f"{percent(direct.share('caching'))} of its saving as recomputation, because the common "
                     "subexpressions do not exist until the sum is restructured.")
    else:
        parts.append(f"The direct DFT against the FFT (probe fft) {_measured_as(direct)}.")
    if recursion.measured:
        growth = recursion.view.growth
        g = lambda v: growth.get(v, {}).get("mults")  # noqa: E731
        dft = direct.view.growth.get("baseline", {}).get("mults") if direct.measured else None
        grows = (f" Evaluated per output, the recursion's multiplications grow as n^{g('baseline'):.2f}"
                 + (f", as the direct DFT's do (n^{dft:.2f})" if dft else "")
                 + f"; memoized, as n^{g('optimized'):.2f}." if g("baseline") and g("optimized") else "")
        parts.append("The restructuring alone saves nothing." + grows
                     + f" Memoizing it on (sub-sequence, index) {_measured_as(recursion)}"
                     + _identity_residue(recursion) + ".")
    else:
        parts.append(f"The recursion memoized (probe fft_recursion_memoization) {_measured_as(recursion)}.")
    parts.append("The radix-2 butterfly then halves the multiplications again with w^(k+n/2) = −w^k, a second "
                 "identity. The FFT is an algebraic restructuring followed by caching; calling it just caching "
                 "leaves out the step that makes the cache worth having.")
    return " ".join(parts)


def _identity_residue(e: ProbeEvidence) -> str:
    """Name the recursion's unexplained share when it is exactly the repeated products by w^0 = 1."""
    n = e.size
    if not n or n & (n - 1) or e.unit != "flops":
        return ""
    repeated_ones = sum((n // m) ** 2 - n // m for m in (2 ** j for j in range(1, int(math.log2(n)) + 1)))
    unexplained = e.share("unexplained") * e.saved
    if repeated_ones and abs(unexplained - repeated_ones) < 0.5:
        return (f"; the unexplained {percent(e.share('unexplained'))} are its {count(repeated_ones)} repeated "
                f"products by w^0 = 1 at n = {n}, which the analyzer never counts as recomputation")
    return ""


def partial_evaluation_stops(f: Facts) -> Claim:
    ai_pe = [e for e in f.entries if e.category == "partial-evaluation" and e.domain in ("ai", "both")]
    bn, lora = f.get("batchnorm-folding"), f.get("lora")
    folding = f.probe("constant-folding", "torch_fx_constant_folding",
                      "torch.fx folds tanh(w)·0.5 + 1, a nonlinearity of the weights, once.")
    probes = (folding,
              f.probe("batchnorm-folding", "batchnorm_folding", "Batch norm folded into the preceding layer."),
              f.probe("batchnorm-folding", "torch_batchnorm_folding", "The same on torch.nn modules."),
              f.probe("batchnorm-folding", "lora_merge", "x·W + (x·B)·A every call, against x·W' with "
                                                         "W' = W + B·A computed once."))
    notes = []
    if bn:
        notes.append(Point(f"{bn.name} is filed {bn.category}"
                           + (" with a filing note on why its probes read otherwise" if bn.filing_note else "")
                           + ".", (bn.id,)))
    if lora:
        argued = f.alternatives(lora)
        notes.append(Point(f"{lora.name} is filed {lora.category} (the low-rank training)"
                           + (f"; its merge for inference is argued {listing(argued)}" if argued else "") + ".",
                           (lora.id,)))
    return Claim(
        6, "You can't partially evaluate a neural network, because activation functions interrupt the "
           "multiplications.",
        "No: activation functions do not stop partial evaluation; dynamic inputs do.",
        (Point(f"Partial-evaluation entries from machine learning (domain ai or both): {count(len(ai_pe))}:",
               tuple(e.id for e in ai_pe)), *notes),
        probes,
        f"Work on the weights alone folds whatever function it passes through: {folding.probe} "
        f"{_measured_as(folding)}, tanh included. Folding a fixed linear map into its neighbour takes one step "
        "first: the baseline applies the map to the activations, x·W + (x·B)·A, and only distributing the "
        "product, x·(W + B·A), leaves B·A depending on weights alone. The analyzer credits partial evaluation "
        "to operations whose operands are all static, so the saving that step makes possible reads "
        "unexplained: " + "; ".join(f"{e.probe} {_measured_as(e)}" for e in probes[1:]) + ". Where it truly "
        "stops: a nonlinearity applied to a dynamic input. relu(x·W1)·W2 cannot become x·(W1·W2), because "
        "relu does not distribute over the product, so the weights on either side stay apart; everything "
        "computed from the weights alone still folds.")


def dce_useless(f: Facts) -> Claim:
    ids = f.present(("last-token-logits", "frozen-parameter-gradient-skipping", "masked-tile-skipping",
                     "padding-removal"))
    dce = f.where(category="dead-code-elimination")
    ml = [e for e in dce if e.domain in ("ai", "both")]
    logits = f.probe("last-token-logits", "last_token_logits",
                     "The LM head over every position, of which only the last row is read.")
    probes = (logits, f.probe("dead-code-elimination", "torch_fx_dead_code_elimination",
                              "torch.fx removing a branch of a network whose output nothing uses."))
    dead = (f" At {logits.size} positions, {count(logits.share('dead-code-elimination') * logits.saved)} of the "
            f"head's {count(logits.cost('flops') or 0)} flops produce logits no output reads."
            if logits.measured and logits.size else "")
    measured = [e for e in probes if e.measured]
    confirmed = [e for e in measured if e.verdict == "dead-code-elimination"]
    return Claim(
        7, "Dead-code elimination is useless for neural networks.",
        f"No: {count(len(ml))} of the catalog's {count(len(dce))} dead-code-elimination entries come from "
        "machine learning" + (f", and {count(len(confirmed))} of the {count(len(measured))} measured probes "
                              "below read dead-code elimination" if measured else "") + ".",
        (Point("The four the claim is usually answered with:", ids, tuple(f.get(i).category for i in ids)),
         Point("Every dead-code-elimination entry from machine learning (domain ai or both):",
               tuple(e.id for e in ml))),
        probes,
        "A network's dead work is rarely a node nobody reads, which a graph compiler removes as any compiler "
        "does; it is the part of a tensor operation no output reads: the logits of positions nobody samples, "
        "gradients of frozen parameters, tiles a mask zeroes, padding tokens. Removing them is dead-code elimination in the literal sense — computed values with no use — "
        f"and {logits.probe} {_measured_as(logits)}.{dead}")


def neuron_early_exit(f: Facts) -> Claim:
    entry = f.get("early-termination-of-activations")
    probe = f.probe("early-termination-of-activations", "early_termination",
                    "Dot product then threshold, against largest-weight-first terms that stop once the rest "
                    "cannot change the sign.")
    catalog = []
    if entry:
        catalog.append(Point("SnaPEA's technique. " + _filing(f, entry), (entry.id,)))
        related = f.present(("short-circuit-evaluation", "branch-and-bound", "activation-sparsity", "early-exit"))
        catalog.append(Point("Its neighbours:", related, tuple(f.get(i).category for i in related)))
    figures = ""
    if probe.measured:
        base, opt = probe.cost("mults"), probe.cost("mults", "optimized")
        if base and opt is not None:
            figures = (f" With fan-in {probe.size}, the probe does {count(opt)} multiplications where the baseline "
                       f"does {count(base)}, and {_measured_as(probe)}; dead-code elimination explains "
                       f"{percent(probe.share('dead-code-elimination'))} of the saving.")
    agrees = f.taxonomy.agrees(entry.category, probe.verdict) if entry and probe.measured else None
    filing = ("" if agrees is None else f" The catalog files it {entry.category}, after SnaPEA's exact mode, "
              "and the measurement " + ("agrees." if agrees else "disagrees, for this reason."))
    return Claim(
        8, "A neuron with weights 100, −1, 2 and threshold 0: if the first input is on you know the output "
           "and can skip the others.",
        "Right about the output, and SnaPEA builds hardware on it; but what it skips is not dead code in the "
        "baseline: it is made unnecessary by a test at run time.",
        tuple(catalog), (probe,),
        "With the first input on, the sum is at least 100 − 1 = 99 > 0 whatever the others are, so one product "
        f"decides the output.{figures} The skipped products are live in the baseline's trace: each feeds the sum "
        "that the threshold reads. They become unnecessary only after a comparison of the partial sum with a "
        "bound on the rest — a guard, as in short-circuit evaluation or branch-and-bound — so this is "
        "dead-code elimination under a runtime bound, which liveness over the executed program cannot prove. "
        "Taking the terms largest first also reassociates the sum, so the optimized version computes partial "
        f"sums the baseline never does.{filing}")


CLAIMS = (only_four, ai_rediscovered, ai_unique, fast_algorithms, fft_is_caching, partial_evaluation_stops,
          dce_useless, neuron_early_exit)


def claims(facts: Facts) -> tuple[Claim, ...]:
    """The eight claims, in the order of the debate."""
    return tuple(build(facts) for build in CLAIMS)

