"""Bitwise and shift operators on traced integers are pure ops of one 'other' flop each."""
from __future__ import annotations

import numpy as np
import pytest

from analyzer.ops import Op
from analyzer.passes.liveness import dead_ops
from analyzer.passes.redundancy import redundant_ops
from analyzer.passes.staging import static_ops
from analyzer.trace import Trace
from analyzer.tracers import run


def last_op(t: Trace):
    return t.node(t.outputs[0])


@pytest.mark.parametrize("expr, op", [
    (lambda x, y: x & y, "and"), (lambda x, y: x | y, "or"), (lambda x, y: x ^ y, "xor"),
    (lambda x, y: x << y, "lshift"), (lambda x, y: x >> y, "rshift"),
])
def test_binary_bitwise_operators_are_ops(expr, op):
    t = Trace()
    assert run(expr, {"x": 0b1101, "y": 2}, t) == expr(0b1101, 2)
    rec = last_op(t)
    assert rec.op.value == op and [t.node(s).op for s in rec.srcs] == [Op.INPUT, Op.INPUT]
    c = t.cost()
    assert (c.mults, c.adds, c.other) == (0, 0, 1)


@pytest.mark.parametrize("expr, op", [
    (lambda x: 6 & x, "and"), (lambda x: 6 | x, "or"), (lambda x: 6 ^ x, "xor"),
    (lambda x: 1 << x, "lshift"), (lambda x: 256 >> x, "rshift"),
])
def test_reflected_bitwise_operators_keep_operand_order(expr, op):
    t = Trace()
    assert run(expr, {"x": 3}, t) == expr(3)
    rec = last_op(t)
    assert rec.op.value == op
    assert t.node(rec.srcs[0]).op is Op.CONST and t.node(rec.srcs[1]).op is Op.INPUT


def test_invert_is_a_unary_op():
    t = Trace()
    assert run(lambda x: ~x, {"x": 5}, t) == -6
    assert last_op(t).op.value == "invert" and t.cost().other == 1


def test_a_repeated_bitwise_op_is_redundant_and_and_or_xor_commute():
    t = Trace()
    run(lambda x, y: [x & y, y & x, x << y, x << y, y << x], {"x": 3, "y": 5}, t)
    redundant = sorted(t.node(i).op.value for i in redundant_ops(t).fraction)
    assert redundant == ["and", "lshift"]    # y << x is a different value


def test_bitwise_ops_are_dead_or_static_like_any_pure_op():
    t = Trace()
    t.static.clear()
    run(lambda x, k: (x ^ (k << 2), x & 1), {"x": 9, "k": 3}, t, static=frozenset({"k"}))
    ops = {t.node(i).op.value for i in static_ops(t).static}
    assert ops == {"lshift"}
    t2 = Trace()
    run(lambda x: (x | 4, x >> 1)[0], {"x": 9}, t2)
    assert {t2.node(i).op.value for i in dead_ops(t2).dead} == {"rshift"}


def test_numpy_bitwise_ufuncs_have_their_own_ops():
    t = Trace()
    run(lambda a: (a & 3) ^ (a << 1), {"a": np.arange(8)}, t)
    ops = [t.node(i).op.value for i in range(len(t)) if t.node(i).extra is not None]
    assert ops == ["and", "lshift", "xor"]
    assert t.cost().other == 24
