"""The command line: verbs, ``-C DIR`` before or after the verb, the clock, exit codes.

Exit codes, mapped here and only here: 0 success, 1 bad content (articles,
templates) or a failed write, 2 bad usage or a bad newsgen.yaml.

``arguments`` reads the command line and the environment, ``main`` runs ``build`` and
``check``, ``verbs`` the other verbs, ``terminal`` prints what happened. The engine is
imported only when a command needs it: a build with nothing to do answers from the cache
in a fraction of the time that importing Jinja, Markdown and Babel would take.
"""
from newsgen.cli.main import main, run

__all__ = ["main", "run"]
