"""SPDX license expressions: parse, print canonically, evaluate against an allow rule.

Grammar (SPDX spec, annex D, simplified): `expr := and ("OR" and)*`, `and := term ("AND" term)*`,
`term := "(" expr ")" | id ["WITH" exception]`. AND binds tighter than OR. Operators are accepted in
any case and `/` as OR (the legacy Cargo.toml form "MIT/Apache-2.0").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

_TOKEN = re.compile(r"\s*(\(|\)|/|[A-Za-z0-9.+:\-]+)")


@dataclass(frozen=True, slots=True)
class Expr:
    """op is "ID", "AND" or "OR"; an ID carries `id` (and `exception` for `X WITH E`)."""

    op: str
    args: tuple[Expr, ...] = ()
    id: str = ""
    exception: str = ""

    def ids(self) -> list[str]:
        if self.op == "ID":
            return [self.id]
        return [i for a in self.args for i in a.ids()]

    def __str__(self) -> str:
        if self.op == "ID":
            return f"{self.id} WITH {self.exception}" if self.exception else self.id
        parts = [f"({a})" if self.op == "AND" and a.op == "OR" else str(a) for a in self.args]
        return f" {self.op} ".join(parts)


class ExpressionError(ValueError):
    pass


def parse(text: str, canonical: Callable[[str], str] = lambda s: s) -> Expr:
    """Parse an SPDX expression; `canonical` maps each license id to its canonical spelling."""
    tokens = _TOKEN.findall(text.strip())
    if "".join(tokens) != re.sub(r"\s+", "", text.strip()) or not tokens:
        raise ExpressionError(f"not an SPDX expression: {text!r}")
    parser = _Parser(tokens, canonical)
    expr = parser.expr()
    if parser.pos != len(tokens):
        raise ExpressionError(f"unexpected {tokens[parser.pos]!r} in {text!r}")
    return expr


class _Parser:
    def __init__(self, tokens: list[str], canonical: Callable[[str], str]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.canonical = canonical

    def _peek(self) -> str:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ""

    def _is_op(self, name: str) -> bool:
        tok = self._peek()
        return tok.upper() == name or (name == "OR" and tok == "/")

    def expr(self) -> Expr:
        args = [self.conj()]
        while self._is_op("OR"):
            self.pos += 1
            args.append(self.conj())
        return _flat("OR", args)

    def conj(self) -> Expr:
        args = [self.term()]
        while self._is_op("AND"):
            self.pos += 1
            args.append(self.term())
        return _flat("AND", args)

    def term(self) -> Expr:
        tok = self._peek()
        if tok == "(":
            self.pos += 1
            inner = self.expr()
            if self._peek() != ")":
                raise ExpressionError("missing ')'")
            self.pos += 1
            return inner
        if not tok or tok in (")", "/") or tok.upper() in ("AND", "OR", "WITH"):
            raise ExpressionError(f"expected a license id, got {tok!r}")
        self.pos += 1
        exception = ""
        if self._is_op("WITH"):
            self.pos += 1
            exception = self._peek()
            if not exception or exception in ("(", ")"):
                raise ExpressionError("WITH needs an exception id")
            self.pos += 1
        return Expr("ID", id=self.canonical(tok), exception=exception)


def _flat(op: str, args: list[Expr]) -> Expr:
    if len(args) == 1:
        return args[0]
    flat: list[Expr] = []
    for a in args:
        flat.extend(a.args if a.op == op else (a,))
    return Expr(op, tuple(flat))


def evaluate(expr: Expr, allowed: Callable[[str], bool]) -> tuple[bool, list[str]]:
    """(allowed?, the ids that made it fail). OR: any branch allowed; AND: every part allowed.

    `X WITH E` is judged on X: SPDX exceptions only ever grant additional permissions.
    """
    if expr.op == "ID":
        ok = allowed(expr.id)
        return ok, [] if ok else [expr.id]
    results = [evaluate(a, allowed) for a in expr.args]
    if expr.op == "OR":
        if any(ok for ok, _ in results):
            return True, []
        return False, [i for _, bad in results for i in bad]
    bad = [i for ok, b in results if not ok for i in b]
    return not bad, bad


def join(op: str, expressions: list[str]) -> str:
    """Combine expressions with AND / OR, deduplicated and sorted, parenthesized as needed."""
    unique = sorted(set(expressions))
    if len(unique) == 1:
        return unique[0]
    return str(_flat(op, [parse(e) for e in unique]))
