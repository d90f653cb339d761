"""``python -m unld`` runs the command line, as the ``unld`` script does (useful where the
script's folder is not on ``PATH``, and to choose the interpreter)."""

from unld.cli import main

main()
