"""Instrumenting a probe's own code: every operator it executes, every function it enters.

Operator overloading only sees values that are already traced; ``total = 0`` and the
counter of ``for i in range(n)`` are plain numbers, so ``total + i * i`` would run unseen.
``rewrite`` turns the probe module's syntax tree, before it is compiled, into one that
routes each arithmetic operator, augmented assignment, unary minus/inversion, comparison
and ``range()`` call through a helper (``a + b`` -> ``__taxo_add__(a, b)``), and that makes
the body of every ``def`` and ``lambda`` enter a named function of the trace (its qualified
name: ``Model.step``, ``outer.<locals>.inner``, ``baseline.<locals>.<lambda>:12``), whatever
the way it is reached: a method, a closure, a dict of handlers, ``functools.partial``. What
the helpers do, outside a run and inside one, is ``tracers.instrumented``.

Left as written: operators whose operands are all literals (the compiler folds them),
``@``, ``not``, ``is``, ``in``, annotations, ``match`` patterns, ``range`` where the module
binds that name itself, and, directly in a class body, chained comparisons and augmented
assignments to a computed target. Generator and async functions count a call when their
body starts, and their operations belong to whoever resumes them.

>>> import ast
>>> print(ast.unparse(rewrite(ast.parse("def f(x):\\n    return x * 2 < 1"))))  # doctest: +NORMALIZE_WHITESPACE
def f(x):
    __taxo_caller__ = __taxo_enter__('f')
    try:
        return __taxo_lt__(__taxo_mul__(x, 2), 1)
    finally:
        __taxo_leave__(__taxo_caller__)
"""
from __future__ import annotations

import ast
import copy
import operator
from typing import Any, Callable, Iterator

from analyzer.ops import Op

CALLER = "__taxo_caller__"

# operator node -> (helper suffix, the op recorded for plain operands, the plain function)
BINARY: dict[type, tuple[str, Op, Callable[[Any, Any], Any]]] = {
    ast.Add: ("add", Op.ADD, operator.add), ast.Sub: ("sub", Op.SUB, operator.sub),
    ast.Mult: ("mul", Op.MUL, operator.mul), ast.Div: ("truediv", Op.DIV, operator.truediv),
    ast.FloorDiv: ("floordiv", Op.FLOORDIV, operator.floordiv), ast.Mod: ("mod", Op.MOD, operator.mod),
    ast.Pow: ("pow", Op.POW, operator.pow), ast.BitAnd: ("and", Op.AND, operator.and_),
    ast.BitOr: ("or", Op.OR, operator.or_), ast.BitXor: ("xor", Op.XOR, operator.xor),
    ast.LShift: ("lshift", Op.LSHIFT, operator.lshift), ast.RShift: ("rshift", Op.RSHIFT, operator.rshift),
}
IN_PLACE: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: operator.iadd, ast.Sub: operator.isub, ast.Mult: operator.imul, ast.Div: operator.itruediv,
    ast.FloorDiv: operator.ifloordiv, ast.Mod: operator.imod, ast.Pow: operator.ipow,
    ast.BitAnd: operator.iand, ast.BitOr: operator.ior, ast.BitXor: operator.ixor,
    ast.LShift: operator.ilshift, ast.RShift: operator.irshift,
}
UNARY: dict[type, tuple[str, Op, Callable[[Any], Any]]] = {
    ast.USub: ("neg", Op.NEG, operator.neg), ast.Invert: ("invert", Op.INVERT, operator.invert),
}
COMPARE: dict[type, tuple[str, Op, Callable[[Any, Any], bool]]] = {
    ast.Lt: ("lt", Op.LT, operator.lt), ast.LtE: ("le", Op.LE, operator.le),
    ast.Gt: ("gt", Op.GT, operator.gt), ast.GtE: ("ge", Op.GE, operator.ge),
    ast.Eq: ("eq", Op.EQ, operator.eq), ast.NotEq: ("ne", Op.NE, operator.ne),
}


def helper(name: str) -> str:
    return f"__taxo_{name}__"


def _is_literal(node: ast.expr) -> bool:
    """A number written in the source, possibly signed or combined with other literals."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float, complex)) and not isinstance(node.value, bool)
    if isinstance(node, ast.UnaryOp):
        return _is_literal(node.operand)
    if isinstance(node, ast.BinOp):
        return _is_literal(node.left) and _is_literal(node.right)
    return False


def _simple(node: ast.expr | None) -> bool:
    """An expression that reads nothing but names and constants: safe to evaluate twice."""
    if node is None or isinstance(node, (ast.Name, ast.Constant)):
        return True
    if isinstance(node, ast.Slice):
        return _simple(node.lower) and _simple(node.upper) and _simple(node.step)
    if isinstance(node, ast.Tuple):
        return all(_simple(e) for e in node.elts)
    return False


def _call(name: str, *args: ast.expr) -> ast.Call:
    return ast.Call(ast.Name(helper(name), ast.Load()), list(args), [])


def _load(target: ast.expr) -> ast.expr:
    node = copy.deepcopy(target)
    node.ctx = ast.Load()   # type: ignore[attr-defined]
    return node


def _index_value(node: ast.expr) -> ast.expr:
    """A subscript's index as a value (``a[1:n]`` -> ``slice(1, n, None)``)."""
    if isinstance(node, ast.Slice):
        none = ast.Constant(None)
        return _call("slice", node.lower or none, node.upper or none, node.step or none)
    if isinstance(node, ast.Tuple):
        return ast.Tuple([_index_value(e) for e in node.elts], ast.Load())
    return node


def _own_nodes(body: list[ast.stmt]) -> Iterator[ast.AST]:
    """Nodes of a function body, not descending into nested functions, lambdas or classes."""
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
                stack.append(child)


def _suspends(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A generator or coroutine: its body runs in pieces, resumed by its consumer."""
    return isinstance(fn, ast.AsyncFunctionDef) or any(
        isinstance(n, (ast.Yield, ast.YieldFrom)) for n in _own_nodes(fn.body))


def _binds(tree: ast.AST, name: str) -> bool:
    """Whether the module gives ``name`` a meaning of its own anywhere (so it is not the builtin)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            return True
        if isinstance(node, ast.arg) and node.arg == name:
            return True
        if isinstance(node, ast.alias) and (node.asname or node.name).split(".")[0] == name:
            return True
    return False


class Instrumenter(ast.NodeTransformer):
    """The rewrite described in the module docstring; one instance per module."""

    def __init__(self, builtin_range: bool = True) -> None:
        self.scopes: list[str] = []             # qualified-name parts
        self.in_class_body: list[bool] = [False]
        self.temps = 0
        self.builtin_range = builtin_range

    # -- scopes and calls

    def _qualname(self, name: str) -> str:
        return ".".join([*self.scopes, name])

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> ast.AST:
        qualname = self._qualname(node.name)
        anchor = node.body[0]
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        node.args = self._arguments(node.args)
        self.scopes += [node.name, "<locals>"]
        self.in_class_body.append(False)
        body = self._statements(node.body)
        self.in_class_body.pop()
        del self.scopes[-2:]
        doc = body[:1] if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                           and isinstance(body[0].value.value, str)) else []
        rest = body[len(doc):] or [ast.Pass()]
        name = ast.Constant(qualname)
        if _suspends(node):
            entry: list[ast.stmt] = [ast.Expr(_call("leave", _call("enter", name)))]
            node.body = [*doc, *entry, *rest]
        else:
            enter = ast.Assign([ast.Name(CALLER, ast.Store())], _call("enter", name))
            leave = ast.Expr(_call("leave", ast.Name(CALLER, ast.Load())))
            node.body = [*doc, enter, ast.Try(rest, [], [], [leave])]
        for new in node.body[len(doc):]:
            ast.copy_location(new, anchor)
        return node

    def _arguments(self, args: ast.arguments) -> ast.arguments:
        """Defaults are evaluated where the function is defined; annotations are left alone."""
        args.defaults = [self.visit(d) for d in args.defaults]
        args.kw_defaults = [self.visit(d) if d is not None else None for d in args.kw_defaults]
        return args

    def _statements(self, body: list[ast.stmt]) -> list[ast.stmt]:
        out: list[ast.stmt] = []
        for stmt in body:
            new = self.visit(stmt)
            if isinstance(new, list):
                out.extend(new)
            elif new is not None:
                out.append(new)
        return out

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        return self._function(node)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        return self._function(node)

    def visit_Lambda(self, node: ast.Lambda) -> ast.AST:
        qualname = self._qualname(f"<lambda>:{node.lineno}")
        node.args = self._arguments(node.args)
        self.scopes += [f"<lambda>:{node.lineno}", "<locals>"]
        self.in_class_body.append(False)
        body = self.visit(node.body)
        self.in_class_body.pop()
        del self.scopes[-2:]
        node.body = ast.copy_location(_call("return", _call("enter", ast.Constant(qualname)), body), node.body)
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        node.decorator_list = [self.visit(d) for d in node.decorator_list]
        node.bases = [self.visit(b) for b in node.bases]
        self.scopes.append(node.name)
        self.in_class_body.append(True)
        node.body = self._statements(node.body)
        self.in_class_body.pop()
        self.scopes.pop()
        return node

    def visit_Call(self, node: ast.Call) -> ast.AST:
        node = self.generic_visit(node)     # type: ignore[assignment]
        if self.builtin_range and isinstance(node.func, ast.Name) and node.func.id == "range":
            node.func = ast.copy_location(ast.Name(helper("range"), ast.Load()), node.func)
        return node

    # -- left as written

    def visit_AnnAssign(self, node: ast.AnnAssign) -> ast.AST:
        if node.value is not None:
            node.value = self.visit(node.value)
        return node

    def visit_match_case(self, node: ast.match_case) -> ast.AST:
        if node.guard is not None:
            node.guard = self.visit(node.guard)
        node.body = self._statements(node.body)
        return node

    # -- operators

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        if _is_literal(node) or type(node.op) not in BINARY:
            return self.generic_visit(node)
        left, right = self.visit(node.left), self.visit(node.right)
        return ast.copy_location(_call(BINARY[type(node.op)][0], left, right), node)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        if _is_literal(node) or type(node.op) not in UNARY:
            return self.generic_visit(node)
        return ast.copy_location(_call(UNARY[type(node.op)][0], self.visit(node.operand)), node)

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        if not all(type(op) in COMPARE for op in node.ops) or (
                _is_literal(node.left) and all(_is_literal(c) for c in node.comparators)):
            return self.generic_visit(node)
        left = self.visit(node.left)
        comparators = [self.visit(c) for c in node.comparators]
        if len(node.ops) == 1:
            return ast.copy_location(_call(COMPARE[type(node.ops[0])][0], left, comparators[0]), node)
        lazy = any(isinstance(n, (ast.Yield, ast.YieldFrom, ast.Await, ast.NamedExpr))
                   for c in node.comparators for n in ast.walk(c))
        if self.in_class_body[-1] or lazy:
            node.left, node.comparators = left, comparators
            return node
        # a < b < c: b is evaluated once, c only when a < b (thunks keep Python's order)
        names = ast.Tuple([ast.Constant(COMPARE[type(op)][0]) for op in node.ops], ast.Load())
        thunks = [ast.Lambda(ast.arguments([], [], None, [], [], None, []), c) for c in comparators]
        return ast.copy_location(_call("chain", names, left, *thunks), node)

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST | list[ast.stmt]:
        if type(node.op) not in BINARY:
            return self.generic_visit(node)
        name = "i" + BINARY[type(node.op)][0]
        value = self.visit(node.value)
        target = node.target
        if isinstance(target, ast.Name) or (isinstance(target, ast.Attribute) and _simple(target.value)) or (
                isinstance(target, ast.Subscript) and _simple(target.value) and _simple(target.slice)):
            assign = ast.Assign([target], _call(name, _load(target), value))
            return [ast.copy_location(assign, node)]
        if self.in_class_body[-1]:
            node.target, node.value = self.visit(target), value
            return node
        # a computed target: evaluate its object (and index) once, as Python does
        stmts: list[ast.stmt] = []

        def temp(expr: ast.expr) -> ast.Name:
            self.temps += 1
            name_ = f"__taxo_t{self.temps}__"
            stmts.append(ast.Assign([ast.Name(name_, ast.Store())], expr))
            return ast.Name(name_, ast.Load())
        obj = temp(self.visit(target.value))   # type: ignore[attr-defined]
        if isinstance(target, ast.Attribute):
            place: ast.expr = ast.Attribute(obj, target.attr, ast.Store())
        else:
            assert isinstance(target, ast.Subscript)
            place = ast.Subscript(obj, temp(_index_value(self.visit(target.slice))), ast.Store())
        stmts.append(ast.Assign([place], _call(name, _load(place), value)))
        return [ast.copy_location(s, node) for s in stmts]


def rewrite(tree: ast.Module) -> ast.Module:
    """The instrumented module (the tree is changed in place and returned)."""
    new = Instrumenter(builtin_range=not _binds(tree, "range")).visit(tree)
    return ast.fix_missing_locations(new)
