"""``python -m routetree``: the command line."""

from ._server._cli import main

main()
