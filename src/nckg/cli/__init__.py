"""The `nckg` command line."""

from nckg.cli.main import main

__all__ = ["main"]
