"""Which tests check each capability, found by reading the suite's source (never importing it).

A test names its capability with `@cap("name")` (where the module sets
`cap = pytest.mark.capability`) or `@pytest.mark.capability("name")`, on the function, on
its class, or inside a parametrize's `pytest.param(..., marks=...)`. The op table's rows
(shared_tests/op_rows.py: `Op("name", "capability", ...)`) check their capability through
the generated tests of test_ops.py; each row is linked on its own.

Each test gets an anchor on its source page (tests/<file>.html#<anchor>): the function's
qualified name with '.' as '-'; an op row gets 'op-' and its name, spelled for an id.
"""

from __future__ import annotations

import ast
import collections
import dataclasses
import pathlib
import re

from dezero_stages import registry

SUITE_DIR = registry.ROOT / "shared_tests"
OP_ROWS = "op_rows.py"


@dataclasses.dataclass(frozen=True, order=True)
class TestRef:
    file: str  # the source file's name in shared_tests/ ("test_memory.py")
    line: int  # where the anchor sits (the first decorator of the test, or the row)
    name: str  # what a reader sees: "test_memory.py::test_x", "op row square"
    anchor: str

    @property
    def page(self) -> str:
        return f"tests/{page_name(self.file)}"

    @property
    def href(self) -> str:
        return f"{self.page}#{self.anchor}"


def page_name(file: str) -> str:
    return file.removesuffix(".py") + ".html"


def op_anchor(name: str) -> str:
    """An id for an op row: letters, digits, '-' and '_' kept, anything else as _xx."""
    return "op-" + re.sub(r"[^A-Za-z0-9_-]", lambda m: f"_{ord(m[0]):x}", name)


def _capability_names(node: ast.AST, aliases: set[str],
                      named_marks: dict[str, list[str]] | None = None) -> list[str]:
    """Capability names in calls `cap("x")` / `pytest.mark.capability("x")` under node, and
    in module-level lists of marks it names (`@pytest.mark.parametrize("core", BOTH_CORES)`)."""
    found = []
    for call in ast.walk(node):
        if isinstance(call, ast.Name) and named_marks and call.id in named_marks:
            found += named_marks[call.id]
            continue
        if not isinstance(call, ast.Call) or not call.args:
            continue
        func = call.func
        named = (isinstance(func, ast.Name) and func.id in aliases) or (
            isinstance(func, ast.Attribute) and func.attr == "capability")
        first = call.args[0]
        if named and isinstance(first, ast.Constant) and isinstance(first.value, str):
            found.append(first.value)
    return found


def _aliases(tree: ast.Module) -> set[str]:
    """Names bound to pytest.mark.capability at module level (`cap = ...`)."""
    names = set()
    for stmt in tree.body:
        if (isinstance(stmt, ast.Assign) and isinstance(stmt.value, ast.Attribute)
                and stmt.value.attr == "capability"):
            names.update(t.id for t in stmt.targets if isinstance(t, ast.Name))
    return names


def _first_line(node) -> int:
    return min([d.lineno for d in node.decorator_list] + [node.lineno])


@dataclasses.dataclass
class TestIndex:
    by_capability: dict[str, list[TestRef]]
    anchors: dict[str, list[tuple[int, str]]]  # file -> [(line, anchor)] for its page
    files: list[str]  # the source files that get a page, sorted

    def tests_of(self, name: str) -> list[TestRef]:
        return self.by_capability.get(name, [])


def scan_file(path: pathlib.Path, found, anchors) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=path.name)
    aliases = _aliases(tree) | {"capability"}
    module_caps, named_marks = [], {}
    for stmt in tree.body:
        if not isinstance(stmt, ast.Assign):
            continue
        names = [t.id for t in stmt.targets if isinstance(t, ast.Name)]
        caps = _capability_names(stmt.value, aliases)
        if "pytestmark" in names:
            module_caps = caps
        elif caps and not isinstance(stmt.value, ast.Attribute):
            named_marks.update(dict.fromkeys(names, caps))

    def caps_of(node) -> list[str]:
        return [c for d in node.decorator_list
                for c in _capability_names(d, aliases, named_marks)]

    def visit(body, prefix: str, inherited: list[str]) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                caps = caps_of(node)
                visit(node.body, f"{prefix}{node.name}.", caps or inherited)
            elif (isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                  and node.name.startswith("test")):
                qualname = prefix + node.name
                anchor = qualname.replace(".", "-")
                line = _first_line(node)
                anchors[path.name].append((line, anchor))
                caps = caps_of(node)
                ref = TestRef(path.name, line, f"{path.name}::{qualname.replace('.', '::')}",
                              anchor)
                for name in dict.fromkeys(caps or inherited):
                    found[name].append(ref)

    visit(tree.body, "", module_caps)


def scan_op_rows(path: pathlib.Path, found, anchors) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=path.name)
    seen = set()
    for call in ast.walk(tree):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                and call.func.id == "Op" and len(call.args) >= 2):
            continue
        name, cap = call.args[0], call.args[1]
        if not all(isinstance(a, ast.Constant) and isinstance(a.value, str) for a in (name, cap)):
            continue
        anchor = op_anchor(name.value)
        if anchor in seen:
            continue
        seen.add(anchor)
        anchors[path.name].append((call.lineno, anchor))
        found[cap.value].append(TestRef(path.name, call.lineno, f"op row {name.value}", anchor))


def build_index(suite_dir: pathlib.Path = SUITE_DIR) -> TestIndex:
    found: dict[str, list[TestRef]] = collections.defaultdict(list)
    anchors: dict[str, list[tuple[int, str]]] = collections.defaultdict(list)
    files = sorted(p.name for p in suite_dir.glob("test_*.py"))
    for name in files:
        scan_file(suite_dir / name, found, anchors)
    if (suite_dir / OP_ROWS).is_file():
        scan_op_rows(suite_dir / OP_ROWS, found, anchors)
        files.append(OP_ROWS)
    for name in files:
        anchors.setdefault(name, [])
    return TestIndex({k: sorted(v) for k, v in sorted(found.items())},
                     {k: sorted(v) for k, v in sorted(anchors.items())}, sorted(files))
