"""API parity: a name the book's package has takes the book's calls, in every stage.

The table is book_api.toml beside this module, one row per public name of the book's
released package (dezero 0.0.13), made by introspection (tools/book_api.py); this module
only reads it. One test per row, with the row's id (`test_takes_the_books_calls[functions.
sum_to]`):

- on `final` every name must be there, and take the book's calls;
- on a step stage a name it has must take the book's calls, or the calls of the row's
  `narrower` form where the book's own step programs define the name narrower in that step
  (`Variable(data)` before step 19). A name the stage lacks (or whose module it does not
  have yet: functions.py arrives in step 34) gets no test here: whether a step has it is
  what the other capabilities test. So the rows are made for the stage under test, when the
  suite is collected, and book-api is never "partly" tested for the names a stage lacks.

"Takes the book's calls" is dezero_stages.book_api.mismatches: the book's positional
parameters with the same names in the same order, its keywords with the same defaults,
`*args`/`**kwargs` where the book has them. A stage may take more (a default the book
does not give, extra parameters with defaults after the book's), never less or in another
order. A property must be a property (`x.shape`, not `x.shape()`).

A convention of this project's stages (capability `book-api`): code graded with --impl is
judged by what it does, never by its signatures.
"""

from __future__ import annotations

import inspect
import pathlib
import tomllib
import types

import pytest

from dezero_stages import book_api, naming

from . import adapter as A

TABLE = pathlib.Path(__file__).with_name("book_api.toml")
ROWS = tomllib.loads(TABLE.read_text(encoding="utf-8"))["row"]
BY_ID = {row["id"]: row for row in ROWS}
SIGNED = ("class", "function", "method")

pytestmark = pytest.mark.capability("book-api")


def _step(value) -> int:
    return naming.parse(str(value))


def narrower_form(row: dict, step: int) -> tuple[str, str] | None:
    """(signature, where) of the row's narrower form in this step, if the book has one; an
    imported name (`dezero.Variable`) has the form of the name it imports."""
    entries = row.get("narrower") or BY_ID.get(row.get("of"), {}).get("narrower") or ()
    for first, last, signature, where in entries:
        if first <= step <= last:
            return signature, where
    return None


def _place(module: str):
    """The stage's module for a row's first part; None if this stage has none yet."""
    if module == "dezero":
        return A.dz
    if module == "core":
        return A.core()  # dezero itself before step 23, then core_simple, then core
    return A.module(module)


class Absent(LookupError):
    """The stage under test has no such name (or not its module)."""


def _find(row: dict):
    """(owner, object) of the row's name in the stage under test; Absent if it has none."""
    module, *parts = row["id"].split(".")
    where = _place(module)
    if where is None:
        raise Absent(f"dezero.{module}")
    owner = obj = where
    for part in parts:
        owner = obj
        try:
            obj = inspect.getattr_static(obj, part) if isinstance(obj, type) else \
                getattr(obj, part)
        except AttributeError:
            raise Absent(row["id"]) from None
    return owner, obj


def _has(row: dict) -> bool:
    try:
        _find(row)
    except Absent:
        return False
    return True


def rows_for_this_stage() -> list[dict]:
    """Every row on final (each name must be there) and for code graded with --impl (not
    graded: book-api is a convention of the stages); on a step stage, the names it has."""
    if A.STEP == naming.FINAL or A.STAGE is None:
        return ROWS
    return [row for row in ROWS if _has(row)]


def pytest_generate_tests(metafunc):
    if "row" in metafunc.fixturenames:
        metafunc.parametrize("row", [pytest.param(row, id=row["id"])
                                     for row in rows_for_this_stage()])


def _lookup(row: dict):
    """(owner, object) of the row's name; on final a missing name fails."""
    try:
        return _find(row)
    except Absent as absent:
        pytest.fail(f"the book's package has {absent}; this one does not")


def _stage_signature(row: dict, owner, obj) -> str | None:
    if row["kind"] == "method":
        return book_api.member_signature(owner, row["id"].rsplit(".", 1)[1])
    return book_api.signature_text(obj)


def test_takes_the_books_calls(row):
    owner, obj = _lookup(row)
    kind = row["kind"]
    if kind == "property":
        assert isinstance(obj, property), \
            f"{row['id']} is a property in the book (no call): here {type(obj).__name__}"
        return
    if kind == "module":
        assert isinstance(obj, types.ModuleType), f"{row['id']} is a module in the book"
        return
    if kind not in SIGNED:
        return  # a plain value (gpu_enable, Config.train): being there is the whole check
    signature, where = row["signature"], "the book's package"
    form = narrower_form(row, A.STEP)
    if form is not None:
        signature, where = form
    have = _stage_signature(row, owner, obj)
    assert have is not None, f"{row['id']}: its signature cannot be read; the book's is " \
                             f"{signature}"
    name = row["id"].rsplit(".", 1)[1]
    problems = book_api.mismatches(signature, have,
                                   names=not (name.startswith("__") and name != "__init__"))
    assert not problems, (f"{row['id']}{have} does not take the book's calls "
                          f"{signature} ({where}): " + "; ".join(problems))


def test_the_table_reads():
    """Every row has a known kind and step, a readable signature, and narrower forms that
    lie before the name's final form (inside steps 1-60) and read as signatures."""
    kinds = set(SIGNED) | {"property", "attribute", "value", "module"}
    for row in ROWS:
        assert row["kind"] in kinds, row
        step = _step(row["step"])
        assert 1 <= step <= naming.FINAL, row
        if row["kind"] in SIGNED:
            book_api.parse(row["signature"])
        if "of" in row:
            assert row["of"] in BY_ID, f"{row['id']}: imports {row['of']}, not in the table"
        for first, last, signature, where in row.get("narrower", ()):
            assert 1 <= first <= last < naming.FINAL and where, row["id"]
            book_api.parse(signature)
