"""Write shared_tests/book_api.toml: the book's public names and signatures, by introspection.

    python -m tools.book_api BOOK_DIR [--out shared_tests/book_api.toml]

BOOK_DIR holds the book's released package, dezero 0.0.13, as `BOOK_DIR/dezero/`:

    pip download dezero==0.0.13 --no-deps -d /tmp/dz
    cd /tmp/dz && python -m zipfile -e dezero-0.0.13-py3-none-any.whl .

The package is imported from a temporary copy, in a subprocess, never from this project:
its transforms.py says `np.int`, gone since NumPy 1.24, so the copy says `int` (only for
the import; no signature involves it). Then every module of MODULES is read with
`inspect`: each public name whose object is DeZero's (defined there or imported from
another of its modules: `dezero.cuda.Variable`, `dezero.functions.conv2d`), each public
method of its classes, and the module's plain values (`gpu_enable`). What programs reach
through a name is what the row records; the book's code itself is never copied here.

Rows are sorted by id, so the same package gives the same table. The curated columns,
`step` (the step in which the name arrives in the book) and `narrower` (the forms the
book's step programs give a name before its final one), are kept from the table being
replaced; a new row gets step "final" and is printed, to be set by hand from the book's
step programs.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import shutil
import subprocess
import sys
import tempfile
import tomllib

ROOT = pathlib.Path(__file__).resolve().parent.parent
TABLE = ROOT / "shared_tests" / "book_api.toml"

MODULES = ("dezero", "dezero.core", "dezero.functions", "dezero.functions_conv",
           "dezero.layers", "dezero.models", "dezero.optimizers", "dezero.utils",
           "dezero.datasets", "dezero.dataloaders", "dezero.transforms", "dezero.cuda")

# Dunder methods that programs call through syntax: `f(x)`, `dataset[i]`, `len(x)`, `for`.
DUNDERS = ("__call__", "__getitem__", "__len__", "__iter__", "__next__")
# The protocol a subclass implements and programs reach through __call__: not a call.
PROTOCOL = {"Function": ("forward", "backward"), "Layer": ("forward",)}

# Runs inside the book's package (in a subprocess): prints one JSON row per public name.
_READER = r'''
import importlib, inspect, json, sys, types
sys.path.insert(0, sys.argv[1])
from dezero_stages import book_api
modules, dunders, protocol = json.loads(sys.argv[2])
import dezero
rows = []
def short(name):
    return "dezero" if name == "dezero" else name[len("dezero."):]
def is_dezero(obj):
    return (getattr(obj, "__module__", None) or "").split(".")[0] == "dezero"
for full in modules:
    mod = importlib.import_module(full)
    where = short(full)
    for name, obj in sorted(vars(mod).items()):
        if name.startswith("_") and name != "__version__":
            continue
        row = {"id": f"{where}.{name}"}
        if isinstance(obj, types.ModuleType):
            if where != "dezero" or not obj.__name__.startswith("dezero.") or \
                    obj.__name__.count(".") != 1:
                continue  # a submodule of the package: its row; any other module: none
            rows.append(dict(row, kind="module"))
            continue
        if inspect.isclass(obj) or callable(obj):
            if not is_dezero(obj):
                continue  # numpy's, PIL's, ...: not the book's name
            home = short(obj.__module__)
            row["kind"] = "class" if inspect.isclass(obj) else "function"
            row["signature"] = book_api.signature_text(obj)
            if home != where or obj.__name__ != name:
                row["of"] = f"{home}.{obj.__name__}"
                rows.append(row)
                continue
            rows.append(row)
            if not inspect.isclass(obj):
                continue
            skip = {m for base in obj.__mro__ for m in protocol.get(base.__name__, ())}
            for attr, value in sorted(vars(obj).items()):
                if attr.startswith("_") and attr not in dunders or attr in skip:
                    continue
                mid = f"{where}.{name}.{attr}"
                if isinstance(value, property):
                    rows.append({"id": mid, "kind": "property"})
                elif callable(value) or isinstance(value, (staticmethod, classmethod)):
                    rows.append({"id": mid, "kind": "method",
                                 "signature": book_api.member_signature(obj, attr)})
                else:
                    rows.append({"id": mid, "kind": "attribute"})
            continue
        rows.append(dict(row, kind="value", type=type(obj).__name__))
print(json.dumps(rows))
'''


def read_book(book_dir: pathlib.Path) -> list[dict]:
    """The rows of the book's package in book_dir/dezero (imported from a patched copy)."""
    source = book_dir / "dezero"
    if not (source / "__init__.py").is_file():
        raise SystemExit(f"book_api: no package at {source} (see this module's docstring)")
    with tempfile.TemporaryDirectory() as tmp:
        copy = pathlib.Path(tmp) / "dezero"
        shutil.copytree(source, copy)
        transforms = copy / "transforms.py"
        transforms.write_text(transforms.read_text().replace("np.int)", "int)"))
        done = subprocess.run(
            [sys.executable, "-W", "ignore", "-c", _READER, str(ROOT),
             json.dumps([MODULES, DUNDERS, PROTOCOL])],
            cwd=tmp, env={"PYTHONPATH": tmp, "MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"},
            capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"book_api: reading the book's package failed:\n{done.stderr}")
    return json.loads(done.stdout)


HEADER = """\
# The book's public API, as released (dezero 0.0.13): one row per public name of the
# modules {modules},
# with the public methods of its classes. Made by `python -m tools.book_api BOOK_DIR`
# (tools/book_api.py: inspect.signature on the book's package; see its docstring for how to
# get the package). Regenerate after changing the reader; never edit `signature` by hand.
#
# id         module.name (module "dezero": the package's top-level names) [.method]
# kind       class, function, method, property, attribute (a class's plain value), value
#            (a module's: gpu_enable), module
# signature  as `inspect` reads it, without self; a class's is its constructor's. A default
#            is written as Python text: literals as their repr, numpy's names as np.<name>
# of         an imported name: where the book defines it (its methods are listed there)
# step       the step whose text brings the name in (curated, kept on regeneration)
# narrower   [first, last, signature, where]: steps first..last of the book define the name
#            with this narrower signature (curated, kept); `where` cites the book's file
#
# shared_tests/test_api_parity.py checks every stage against it (CONTRIBUTING.md, "API
# parity").
"""


def _toml_value(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def render(rows: list[dict]) -> str:
    out = [HEADER.format(modules=", ".join(MODULES))]
    for row in rows:
        out.append("\n[[row]]")
        for key in ("id", "kind", "step", "signature", "of", "type"):
            if row.get(key) is not None:
                out.append(f"{key} = {_toml_value(row[key])}")
        if row.get("narrower"):
            out.append("narrower = [\n" + "".join(
                f"    {_toml_value(entry)},\n" for entry in row["narrower"]) + "]")
    return "\n".join(out) + "\n"


def merge(fresh: list[dict], old: list[dict]) -> tuple[list[dict], list[str]]:
    """The book's rows with the curated columns of the old table; the ids that are new."""
    kept = {row["id"]: row for row in old}
    new = []
    for row in fresh:
        previous = kept.get(row["id"])
        if previous is None:
            row["step"] = "final"
            new.append(row["id"])
            continue
        row["step"] = previous["step"]
        if previous.get("narrower"):
            row["narrower"] = previous["narrower"]
    return sorted(fresh, key=lambda r: r["id"]), new


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.book_api", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("book_dir", type=pathlib.Path,
                        help="a folder holding the book's package as dezero/")
    parser.add_argument("--out", type=pathlib.Path, default=TABLE)
    args = parser.parse_args(argv)
    old = tomllib.loads(args.out.read_text())["row"] if args.out.exists() else []
    rows, new = merge(read_book(args.book_dir), old)
    gone = sorted({r["id"] for r in old} - {r["id"] for r in rows})
    args.out.write_text(render(rows))
    print(f"{args.out}: {len(rows)} rows")
    for rid in new:
        print(f"  new: {rid} (step set to final: set it from the book's step programs)")
    for rid in gone:
        print(f"  gone: {rid}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
