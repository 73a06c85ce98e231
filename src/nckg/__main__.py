"""`python -m nckg`: the nckg command line."""

from .cli import main

main(prog_name="nckg")
