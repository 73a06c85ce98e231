"""`python -m nckg`: the nckg command line."""

from nckg.cli.main import main

main(prog_name="nckg")
