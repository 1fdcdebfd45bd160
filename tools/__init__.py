"""The stage command line, `python -m tools` (see tools/cli.py); tests in tools/tests."""
