"""``python -m routetree``: the command line."""

from ._cli import main

main()
