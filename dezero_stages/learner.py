"""Loading a learner's step file as `dezero`: its definitions, without the script under them.

The book writes every step as one file: the classes and functions, then a script at the
bottom that uses them (prints, a plot, the `Variable(1.0)  # NG` line that raises on
purpose), with no `if __name__ == "__main__":`. Importing such a file runs the script, so a
deliberate TypeError, a missing torch or a 20-second training loop would decide the grade.
`load_file` runs only the module's definitions:

- imports, `def` and `class` statements;
- assignments of plain values (`eps = 1e-4`, `add = Add`) and assignments to attributes or
  items (`Variable.__add__ = add`, the book's way of installing operators);
- calls of the file's own functions without arguments (`setup_variable()`), and changes
  of `sys.path` (a file that imports its earlier steps);
- `if`/`try`/`with` blocks made only of the above, except `if __name__ == ...`.

Everything else is the script: it is skipped and listed (`Loaded.skipped`), so the report
can say which lines did not run. Earlier step files that this one imports
(`from steps.step01 import *`) are loaded the same way (`ScriptSkippingFinder`).

Standard library only: the suite's conftest calls it, and so does the grader, to tell a
file that fails to import from one that fails its tests.
"""

from __future__ import annotations

import ast
import builtins
import dataclasses
import importlib.abc
import importlib.machinery
import importlib.util
import inspect
import pathlib
import re
import sys
import traceback
import types

_BUILTINS = frozenset(dir(builtins))


@dataclasses.dataclass(frozen=True)
class Skipped:
    """One top-level statement of the script part that was not run."""

    file: str
    line: int
    text: str

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "text": self.text}


class LoadError(Exception):
    """The learner's code could not be imported: where (their file and line) and why."""

    def __init__(self, file: str, line: int | None, error: str, hint: str = ""):
        where = f"{file}:{line}" if line else file
        super().__init__(f"{where}: {error}" + (f" ({hint})" if hint else ""))
        self.file, self.line, self.error, self.hint = file, line, error, hint

    def as_dict(self) -> dict:
        return {"file": self.file, "line": self.line, "error": self.error, "hint": self.hint}


def _is_plain(node: ast.AST, defined) -> bool:
    """A value built without calling anything, from constants and names the file defines
    (`1e-4`, `Add`, `np.float64`, a lambda), not from the script's variables (`-x`)."""
    if isinstance(node, ast.Lambda | ast.Constant):
        return True
    if isinstance(node, ast.Name):
        return node.id in defined or node.id in _BUILTINS
    if isinstance(node, ast.Attribute):
        return _is_plain(node.value, defined)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_is_plain(e, defined) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(_is_plain(v, defined) for v in (*node.keys, *node.values) if v is not None)
    if isinstance(node, ast.BinOp):
        return _is_plain(node.left, defined) and _is_plain(node.right, defined)
    if isinstance(node, ast.UnaryOp):
        return _is_plain(node.operand, defined)
    return False


def _is_main_guard(node: ast.If) -> bool:
    return any(isinstance(n, ast.Name) and n.id == "__name__" for n in ast.walk(node.test))


def _calls_own_function(node: ast.Expr, defined) -> bool:
    call = node.value
    return (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
            and isinstance(defined.get(call.func.id), types.FunctionType)
            and not call.args and not call.keywords)


def _changes_sys_path(node: ast.Expr) -> bool:
    call = node.value
    return (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and ast.unparse(call.func.value) == "sys.path")


def _base_name(target: ast.expr) -> str | None:
    """`Variable` of `Variable.__add__` or `Variable.x[0]`."""
    while isinstance(target, (ast.Attribute, ast.Subscript)):
        target = target.value
    return target.id if isinstance(target, ast.Name) else None


def is_definition(node: ast.stmt, defined: dict) -> bool:
    """Whether a top-level statement defines something (kept) or is script (skipped).

    `defined`: the module's namespace as the definitions before this statement left it
    (so names from `from steps.step13 import *` count)."""
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef,
                         ast.ClassDef, ast.Pass)):
        return True
    if isinstance(node, ast.Expr):
        if isinstance(node.value, ast.Constant):  # a docstring
            return True
        return _calls_own_function(node, defined) or _changes_sys_path(node)
    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if all(isinstance(t, (ast.Attribute, ast.Subscript)) for t in targets):
            # Variable.__add__ = add installs an operator; x.grad = ... is the script's.
            return all(isinstance(defined.get(_base_name(t)), (type, types.ModuleType))
                       for t in targets) and \
                (node.value is None or _is_plain(node.value, defined))
        if not all(isinstance(t, (ast.Name, ast.Tuple)) for t in targets):
            return False
        return node.value is None or _is_plain(node.value, defined)
    if isinstance(node, ast.If):
        if _is_main_guard(node):
            return False
        return all(is_definition(n, defined) for n in (*node.body, *node.orelse))
    if isinstance(node, ast.Try):
        blocks = [*node.body, *node.orelse, *node.finalbody]
        blocks += [n for handler in node.handlers for n in handler.body]
        return all(is_definition(n, defined) for n in blocks)
    return False


def _first_line(source_lines: list[str], node: ast.stmt) -> str:
    text = source_lines[node.lineno - 1].strip() if node.lineno <= len(source_lines) else ""
    return text[:80]


def _learner_frame(tb, roots: tuple[pathlib.Path, ...]):
    """The innermost frame of the traceback in the learner's files: (file, line)."""
    found = None
    for frame in traceback.extract_tb(tb):
        path = pathlib.Path(frame.filename)
        if any(root == path or root in path.parents for root in roots):
            found = (frame.filename, frame.lineno)
    return found


# What an import error of these modules means for a learner, and what to do.
_HINTS = {
    "matplotlib": "the book's package imports matplotlib: install dezero-stages[book]",
    "PIL": "the book's package imports Pillow: install dezero-stages[book]",
    "cupy": "CuPy is only for a GPU: import it inside try/except ImportError, as the book does",
}


# NumPy's aliases of Python's types, removed in 1.24, and what to write instead.
_REMOVED_NUMPY_ALIASES = {"int": "int", "float": "float", "bool": "bool", "object": "object",
                          "complex": "complex", "str": "str", "long": "int",
                          "unicode": "str"}


def hint_for(error: BaseException) -> str:
    """A line on what to do about an import failure that is not the learner's bug."""
    if isinstance(error, ModuleNotFoundError) and error.name:
        top = error.name.split(".")[0]
        return _HINTS.get(top, f"your code imports {top}, which this Python does not have")
    # NumPy's own __getattr__ raises these without .name and .obj: only its words say so.
    match = re.match(r"module 'numpy' has no attribute '(\w+)'", str(error))
    name = match[1] if match else None
    if isinstance(error, AttributeError) and name in _REMOVED_NUMPY_ALIASES:
        return (f"2020-era NumPy: np.{name} was removed in NumPy 1.24; write "
                f"{_REMOVED_NUMPY_ALIASES[name]} instead")
    return ""


def load_error(error: BaseException, file: pathlib.Path, roots) -> LoadError:
    """The LoadError that says where in the learner's code `error` happened."""
    if isinstance(error, SyntaxError):
        return LoadError(error.filename or str(file), error.lineno,
                         f"SyntaxError: {error.msg}")
    where = _learner_frame(error.__traceback__, tuple(roots)) or (str(file), None)
    text = f"{type(error).__name__}: {error}"
    return LoadError(where[0], where[1], text, hint_for(error))


def exec_definitions(module: types.ModuleType, path: pathlib.Path) -> list[Skipped]:
    """Run the definitions of the file at `path` in `module`; the skipped statements."""
    source = path.read_text(encoding="utf-8-sig")
    tree = ast.parse(source, filename=str(path))
    lines = source.splitlines()
    namespace = module.__dict__
    skipped = []
    # One statement at a time: whether the next one is a definition depends on what the
    # ones before it defined.
    for node in tree.body:
        if not is_definition(node, namespace):
            skipped.append(Skipped(str(path), node.lineno, _first_line(lines, node)))
            continue
        code = compile(ast.Module(body=[node], type_ignores=[]), str(path), "exec")
        exec(code, namespace)  # noqa: S102 - the learner's own definitions
    return skipped


class _DefinitionsLoader(importlib.abc.Loader):
    def __init__(self, path: pathlib.Path, finder: ScriptSkippingFinder):
        self.path, self.finder = path, finder

    def create_module(self, spec):
        return None  # the default module

    def exec_module(self, module):
        self.finder.skipped += exec_definitions(module, self.path)


class ScriptSkippingFinder(importlib.abc.MetaPathFinder):
    """Finds the learner's own step files under `roots` and loads only their definitions.

    `from steps.step01 import *` in a learner's step 2 would otherwise run step 1's script.
    Packages (a `dezero/` of their own) are imported as Python does: a package's
    `__init__.py` runs its setup on purpose.
    """

    def __init__(self, roots):
        self.roots = [pathlib.Path(r) for r in roots]
        self.skipped: list[Skipped] = []

    def find_spec(self, fullname, path=None, target=None):
        if fullname == "dezero" or fullname.startswith("dezero."):
            return None
        parts = fullname.split(".")
        for root in self.roots:
            candidate = root.joinpath(*parts[:-1], parts[-1] + ".py")
            package = root.joinpath(*parts[:-1])
            if candidate.is_file() and (len(parts) == 1 or package.is_dir()):
                loader = _DefinitionsLoader(candidate, self)
                return importlib.util.spec_from_file_location(fullname, candidate,
                                                              loader=loader)
        return None


def roots_of(file: pathlib.Path) -> list[pathlib.Path]:
    """Where a step file's own imports are found: its folder, then that folder's parent
    (`from steps.step01 import *` is run from the repository's root)."""
    folder = file.resolve().parent
    return [folder, folder.parent]


@dataclasses.dataclass
class Loaded:
    module: types.ModuleType
    skipped: list[Skipped]


def load_file(path, name: str = "dezero") -> Loaded:
    """The learner's file at `path` as the module `name` (in sys.modules), script skipped.

    Raises LoadError naming the learner's file and line where it cannot be loaded.
    """
    path = pathlib.Path(path).resolve()
    roots = roots_of(path)
    for root in reversed(roots):
        if str(root) not in sys.path:
            sys.path.insert(0, str(root))
    finder = ScriptSkippingFinder(roots)
    sys.meta_path.insert(0, finder)
    module = types.ModuleType(name)
    module.__file__ = str(path)
    module.__spec__ = importlib.machinery.ModuleSpec(name, None, origin=str(path))
    sys.modules[name] = module
    try:
        own = exec_definitions(module, path)
    except Exception as err:  # noqa: BLE001 - any failure is the learner's to see
        del sys.modules[name]
        raise load_error(err, path, roots) from None
    return Loaded(module, own + finder.skipped)


def _learner_classes(module: types.ModuleType):
    """The classes the graded code defines, reachable from its modules."""
    seen = set()
    for name, mod in list(sys.modules.items()):
        if not (name == module.__name__ or name.startswith(module.__name__ + ".")):
            continue
        for value in list(vars(mod).values()):
            if isinstance(value, type) and id(value) not in seen and \
                    not value.__module__.startswith(("numpy", "builtins")):
                seen.add(id(value))
                yield value


def _instance_alias(new: str) -> property:
    """A property that reads and writes the instance attribute `new` under another name."""
    return property(lambda self: getattr(self, new),
                    lambda self, value: setattr(self, new, value))


def apply_aliases(module: types.ModuleType, aliases: dict[str, str]) -> None:
    """Give the graded code the book's names where it spells them otherwise (--alias).

    For OLD=NEW: a module of the code that has NEW gets OLD as well; a class that has NEW
    (a method) gets OLD; a class whose code sets `self.NEW` gets a property OLD for it (a
    Linear layer's `self.w` read as the book's `W`).
    """
    if not aliases:
        return
    modules = [m for n, m in sys.modules.items()
               if n == module.__name__ or n.startswith(module.__name__ + ".")]
    for old, new in aliases.items():
        for mod in modules:
            if hasattr(mod, new) and not hasattr(mod, old):
                setattr(mod, old, getattr(mod, new))
        for cls in _learner_classes(module):
            if old in vars(cls):
                continue
            if hasattr(cls, new):
                setattr(cls, old, getattr(cls, new))
            elif _sets_attribute(cls, new):
                setattr(cls, old, _instance_alias(new))


def _sets_attribute(cls: type, name: str) -> bool:
    try:
        source = inspect.getsource(cls)
    except (OSError, TypeError):
        return False
    return f"self.{name} " in source or f"self.{name}=" in source
