"""`python -m tools <command>`: the stage command line (see tools/cli.py)."""

from tools.cli import main

raise SystemExit(main())
