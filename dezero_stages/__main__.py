"""`python -m dezero_stages`: the `dezero-stages` command (see dezero_stages/cli.py)."""

from dezero_stages.cli import main

raise SystemExit(main())
