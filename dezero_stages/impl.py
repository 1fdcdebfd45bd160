"""Finding the `dezero` a person means when they name a path.

People type the folder that holds their package (`mine`), the package itself
(`mine/dezero`), the single module (`mine/dezero.py`), or, as the book lays out its work,
one step's file (`steps/step09.py`). `locate` turns each into a Target: the folder to put
first on sys.path, and for a single file, the file to load as `dezero` (its script part
skipped, dezero_stages.learner). A step file that defines no Variable of its own but
imports `dezero` (the book's steps 23-60) means the `dezero` package it imports.
"""

from __future__ import annotations

import ast
import dataclasses
import pathlib


class ImplNotFoundError(ValueError):
    """No dezero at the path given; the message says what was looked for and what to pass."""


@dataclasses.dataclass(frozen=True)
class Target:
    """What to import as `dezero`: a package or module in `folder`, or the file `file`."""

    folder: pathlib.Path  # first on sys.path
    file: pathlib.Path | None = None  # a single file loaded as dezero (None: import it)
    via: pathlib.Path | None = None  # the step file that led here, when it imports dezero

    @property
    def shown(self) -> pathlib.Path:
        """The path to name in a report: the file, or the package's folder."""
        return self.file or self.folder

    def __fspath__(self) -> str:
        return str(self.file or self.folder)


def _package_in(folder: pathlib.Path) -> bool:
    return (folder / "dezero" / "__init__.py").is_file() or (folder / "dezero.py").is_file()


def imports_dezero_only(path: pathlib.Path) -> bool:
    """A script that uses `dezero` (import dezero, from dezero import ...) and defines no
    Variable of its own: the book's step programs from step 23 on."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8-sig"))
    except (SyntaxError, UnicodeDecodeError, OSError):
        return False
    defines = any(isinstance(n, ast.ClassDef) and n.name == "Variable" for n in tree.body)
    imports = any(
        (isinstance(n, ast.Import) and any(a.name.split(".")[0] == "dezero" for a in n.names))
        or (isinstance(n, ast.ImportFrom) and (n.module or "").split(".")[0] == "dezero")
        for n in ast.walk(tree))
    return imports and not defines


def _package_for_script(script: pathlib.Path) -> pathlib.Path | None:
    """The folder whose dezero a step script imports: its own folder, then the parents."""
    for folder in (script.parent, *list(script.parent.parents)[:2]):
        if _package_in(folder):
            return folder
    return None


def locate(path) -> Target:
    """The dezero at `path`: a folder holding one, a dezero/ package, or a .py file."""
    given = pathlib.Path(path).expanduser()
    target = given.resolve()
    if target.is_file() and target.suffix == ".py":
        if target.name == "__init__.py" and target.parent.name == "dezero":
            return Target(target.parent.parent)
        if imports_dezero_only(target):
            folder = _package_for_script(target)
            if folder is None:
                raise ImplNotFoundError(
                    f"{given} imports dezero but defines no Variable, and no dezero/ "
                    f"package is beside it or in the folders above: pass the folder that "
                    f"holds your dezero/")
            return Target(folder, via=target)
        return Target(target.parent, file=target)
    if target.is_dir() and target.name == "dezero" and (target / "__init__.py").is_file():
        return Target(target.parent)
    if (target / "dezero" / "__init__.py").is_file():
        return Target(target)
    if (target / "dezero.py").is_file():
        return Target(target, file=target / "dezero.py")
    if not target.exists():
        problem = f"{given} does not exist"
    elif target.is_file():
        problem = f"{given} is not a Python file"
    else:
        problem = (f"looked for {target / 'dezero' / '__init__.py'} (a package) and "
                   f"{target / 'dezero.py'} (a module)")
    raise ImplNotFoundError(
        f"no dezero at {given}: {problem}. Pass your step's .py file (steps/step09.py), "
        "the folder that holds your dezero/ package or dezero.py, or the dezero/ folder")


def module_file(folder: pathlib.Path) -> pathlib.Path:
    """The file `import dezero` will load from `folder` (package first, as Python does)."""
    package = folder / "dezero" / "__init__.py"
    return package if package.is_file() else folder / "dezero.py"
