"""site: the study site, a static HTML site of every step, built offline into site/.

    site [--out DIR] [--matrix REPORT.json | --run-matrix] [--no-demos]

This module only parses and dispatches; the building is tools/sitebuild (one job per
module, see its docstring).
"""

from __future__ import annotations

import pathlib

from dezero_stages import registry
from tools.common import Command, require_modules

DESCRIPTION = """build the study site into site/ (or --out DIR)

One page per step of the book (its diff, capabilities with their tests, demo output and
the study group's review), the capability matrix, the final package and the suite's test
sources. Open site/index.html, or serve it: python -m http.server -d site.

Each stage's demo runs once per stage content (cached under .cache/site/demos); the
matrix status comes from --matrix REPORT.json (what `python -m tools matrix --json`
writes), or from the cache, which --run-matrix refreshes when stages.lock changed."""


def run_site(args) -> int:
    require_modules(args, "pygments", "PIL", *(("numpy", "matplotlib") if args.demos else ()),
                    session="site")
    from tools.sitebuild.build import Options, build  # needs pygments and Pillow

    out = pathlib.Path(args.out)
    cache = pathlib.Path(args.cache) if args.cache else registry.ROOT / ".cache" / "site"
    built = build(Options(out=out, cache=cache, matrix=args.matrix,
                          run_matrix=args.run_matrix, demos=args.demos, jobs=args.jobs,
                          demo_timeout=args.demo_timeout))
    if built.demos_failed:
        print(f"demos that failed (shown on their pages): {', '.join(built.demos_failed)}")
    print(f"wrote {built.pages} pages to {args.out}/ in {built.seconds:.1f} s "
          f"({built.demos_run} demos run, the rest from the cache)" if args.demos else
          f"wrote {built.pages} pages to {args.out}/ in {built.seconds:.1f} s (demos not run)")
    return 0


def add_arguments(parser) -> None:
    parser.add_argument("--out", default="site", metavar="DIR",
                        help="the folder to build into (default site)")
    parser.add_argument("--matrix", metavar="REPORT.json",
                        help="the matrix report to show (python -m tools matrix --json FILE)")
    parser.add_argument("--run-matrix", action="store_true",
                        help="run the matrix into the cache when stages.lock changed since "
                             "the cached report")
    parser.add_argument("--no-demos", dest="demos", action="store_false",
                        help="run no demo (pages say the demo was not run)")
    parser.add_argument("-j", "--jobs", type=int, default=2, metavar="N",
                        help="demos run in parallel (default 2)")
    parser.add_argument("--demo-timeout", type=float, default=300, metavar="SECONDS",
                        help="stop a demo after this long (default 300)")
    parser.add_argument("--cache", metavar="DIR",
                        help="where demo output and the matrix report are kept "
                             "(default .cache/site)")


COMMANDS = (Command("site", "build the study site (static HTML) into site/", run_site,
                    add_arguments, description=DESCRIPTION),)
