"""Finding the `dezero` a person means when they name a path.

People type the folder that holds their package (`mine`), the package itself
(`mine/dezero`) or the single module (`mine/dezero.py`). All three mean the same thing: the
folder to put first on sys.path so that `import dezero` finds their code.
"""

from __future__ import annotations

import pathlib


class ImplNotFoundError(ValueError):
    """No dezero at the path given; the message says what was looked for and what to pass."""


def locate(path) -> pathlib.Path:
    """The folder to import `dezero` from, for a folder, a dezero/ package or a dezero.py."""
    given = pathlib.Path(path).expanduser()
    target = given.resolve()
    if target.is_file() and target.name == "dezero.py":
        return target.parent
    if target.is_dir() and target.name == "dezero" and (target / "__init__.py").is_file():
        return target.parent
    if (target / "dezero" / "__init__.py").is_file() or (target / "dezero.py").is_file():
        return target
    if not target.exists():
        problem = f"{given} does not exist"
    elif target.is_file():
        problem = f"{given} is a file, but not one named dezero.py"
    else:
        problem = (f"looked for {target / 'dezero' / '__init__.py'} (a package) and "
                   f"{target / 'dezero.py'} (a module)")
    raise ImplNotFoundError(
        f"no dezero at {given}: {problem}. Pass the folder that holds your dezero/ package "
        "or dezero.py, the dezero/ folder itself, or the dezero.py file")


def module_file(folder: pathlib.Path) -> pathlib.Path:
    """The file `import dezero` will load from `folder` (package first, as Python does)."""
    package = folder / "dezero" / "__init__.py"
    return package if package.is_file() else folder / "dezero.py"
