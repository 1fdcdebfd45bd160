"""Signatures as text, and the one rule for "takes the book's calls" (API parity).

shared_tests/book_api.toml holds the book's public names with their signatures written as
text, `(x, axis=None, keepdims=False)`, made by tools/book_api.py from the book's released
package with `inspect.signature`. The suite's test_api_parity.py writes a stage's signature
the same way (`signature_text`) and asks `mismatches(book, stage)`. Both sides share this
module, so a default is spelled one way: a Python literal as its repr, a numpy type or
function as `np.name`, the numpy module as `np`, another class or function by its
qualified name, any other object as `TypeName(...)` (`transform=Compose(...)`).

A method's signature is written without `self` (the first parameter of a plain function
put on a class, as DeZero's `setup_variable` does with `Variable.max = max`); a class's
is its constructor's.

Standard library only: the suite and the tools both import it.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import types

POSITIONAL = "positional"  # positional-or-keyword (or positional-only)
VAR_POSITIONAL = "*args"
KEYWORD = "keyword-only"
VAR_KEYWORD = "**kwargs"

_KINDS = {
    inspect.Parameter.POSITIONAL_ONLY: POSITIONAL,
    inspect.Parameter.POSITIONAL_OR_KEYWORD: POSITIONAL,
    inspect.Parameter.VAR_POSITIONAL: VAR_POSITIONAL,
    inspect.Parameter.KEYWORD_ONLY: KEYWORD,
    inspect.Parameter.VAR_KEYWORD: VAR_KEYWORD,
}


@dataclasses.dataclass(frozen=True)
class Param:
    name: str
    kind: str
    default: str | None = None  # the default as text; None: the parameter has none

    def text(self) -> str:
        prefix = {VAR_POSITIONAL: "*", VAR_KEYWORD: "**"}.get(self.kind, "")
        return prefix + self.name + ("" if self.default is None else "=" + self.default)


def default_text(value) -> str:
    """How a default is written in the table: `None`, `1e-05`, `np.float32`, `np`."""
    if isinstance(value, types.ModuleType):
        return "np" if value.__name__ == "numpy" else value.__name__
    if isinstance(value, (type, types.FunctionType, types.BuiltinFunctionType)) or \
            type(value).__name__ == "ufunc":
        module = getattr(value, "__module__", None) or ""
        name = getattr(value, "__qualname__", None) or value.__name__
        return f"np.{value.__name__}" if module.split(".")[0] == "numpy" else name
    text = repr(value)
    try:
        ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return f"{type(value).__name__}(...)"  # an instance: its type is what is stable
    return text


def _params(sig: inspect.Signature) -> list[Param]:
    return [Param(p.name, _KINDS[p.kind],
                  None if p.default is inspect.Parameter.empty else default_text(p.default))
            for p in sig.parameters.values()]


def text_of(params: list[Param]) -> str:
    """`(x, *args, eps=0.0001, **kwargs)`; a `*` marks where keyword-only ones start."""
    parts, starred = [], False
    for p in params:
        if p.kind == VAR_POSITIONAL:
            starred = True
        if p.kind == KEYWORD and not starred:
            parts.append("*")
            starred = True
        parts.append(p.text())
    return "(" + ", ".join(parts) + ")"


def member_signature(owner, name: str) -> str | None:
    """The signature text of `owner.name` as callers see it: without `self` for a method,
    the constructor's for a class; None where it has none that inspect can read."""
    raw = inspect.getattr_static(owner, name) if isinstance(owner, type) else \
        getattr(owner, name)
    drop_first = isinstance(owner, type) and not isinstance(raw, staticmethod)
    if isinstance(raw, (staticmethod, classmethod)):
        raw = raw.__func__
    try:
        sig = inspect.signature(raw)
    except (TypeError, ValueError):
        return None
    params = _params(sig)
    if drop_first and not isinstance(raw, type):
        params = params[1:]  # self (or cls)
    return text_of(params)


def signature_text(obj) -> str | None:
    """The signature text of a function or class (its constructor's)."""
    try:
        return text_of(_params(inspect.signature(obj)))
    except (TypeError, ValueError):
        return None


def parse(text: str) -> list[Param]:
    """The parameters of a signature text, as `text_of` writes it (defaults kept as text)."""
    tree = ast.parse(f"def f{text}: pass")
    args = tree.body[0].args
    params = []
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    for arg, default in zip(positional, defaults, strict=True):
        params.append(Param(arg.arg, POSITIONAL,
                            None if default is None else ast.unparse(default)))
    if args.vararg:
        params.append(Param(args.vararg.arg, VAR_POSITIONAL))
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        params.append(Param(arg.arg, KEYWORD, None if default is None else ast.unparse(default)))
    if args.kwarg:
        params.append(Param(args.kwarg.arg, VAR_KEYWORD))
    return params


def _normal(default: str | None) -> str | None:
    return None if default is None else ast.unparse(ast.parse(default, mode="eval"))


# Defaults written differently that take the same calls: the book's mutable `[]` may be an
# empty tuple (the same calls, and no list shared between calls).
_SAME = {"()": "[]"}


def same_default(stage: str | None, book: str | None) -> bool:
    stage, book = _normal(stage), _normal(book)
    return stage == book or (stage is not None and _SAME.get(stage) == book)


def mismatches(book: str, stage: str, *, names: bool = True) -> list[str]:
    """Why a stage's signature does not take every call the book's signature takes ([] if
    it does).

    Taking the book's calls means: the book's positional parameters, with the same names in
    the same order (`names=False` compares only their number: a dunder such as
    `__getitem__` is never called by keyword), each with the book's default where the book
    has one; the book's keyword-only parameters, by name and default (positional in the
    stage is fine); `*args` and `**kwargs` where the book has them. A stage may take more:
    a default where the book's parameter is required, and further parameters with defaults
    after the book's positional ones (keyword-only, or trailing positional where the book
    has no `*args`). An empty tuple stands for the book's `[]` (`_SAME`).
    """
    want, have = parse(book), parse(stage)
    problems = []
    want_pos = [p for p in want if p.kind == POSITIONAL]
    have_pos = [p for p in have if p.kind == POSITIONAL]
    for i, p in enumerate(want_pos):
        if i >= len(have_pos):
            if any(q.kind == VAR_POSITIONAL for q in have):
                problems.append(f"{p.name!r} is taken by *args, not by name")
            else:
                problems.append(f"missing positional parameter {p.name!r} (position {i + 1})")
            continue
        q = have_pos[i]
        if names and q.name != p.name:
            problems.append(f"position {i + 1} is {q.name!r}, the book's is {p.name!r}")
        if p.default is not None and not same_default(q.default, p.default):
            problems.append(f"{p.name!r} has no default, the book's is {p.default}"
                            if q.default is None else
                            f"{p.name!r} defaults to {q.default}, the book's to {p.default}")
    has_var_pos = any(q.kind == VAR_POSITIONAL for q in have)
    book_var_pos = any(p.kind == VAR_POSITIONAL for p in want)
    if book_var_pos and not has_var_pos:
        problems.append("no *args, the book's takes any number of positional arguments")
    extra_pos = have_pos[len(want_pos):]
    by_name = {q.name: q for q in have if q.kind in (POSITIONAL, KEYWORD)}
    for p in (p for p in want if p.kind == KEYWORD):
        q = by_name.get(p.name)
        if q is None and not any(q.kind == VAR_KEYWORD for q in have):
            problems.append(f"missing keyword {p.name!r}")
        elif q is not None and not same_default(q.default, p.default):
            problems.append(f"keyword {p.name!r} defaults to {q.default}, the book's to "
                            f"{p.default}")
    book_keywords = {p.name for p in want}
    for q in extra_pos:
        if q.name in book_keywords:
            continue  # the book's keyword-only one, taken positionally too: fine
        if book_var_pos:
            problems.append(f"extra positional parameter {q.name!r} before *args: the "
                            "book's extra positional arguments would land in it")
        elif q.default is None:
            problems.append(f"extra required parameter {q.name!r}")
    for q in (q for q in have if q.kind == KEYWORD and q.name not in book_keywords):
        if q.default is None:
            problems.append(f"extra required keyword {q.name!r}")
    if any(p.kind == VAR_KEYWORD for p in want) and \
            not any(q.kind == VAR_KEYWORD for q in have):
        problems.append("no **kwargs, the book's takes any keyword")
    return problems
