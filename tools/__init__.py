"""dezero-stages tooling: the stage registry and the `python -m tools` command line."""
