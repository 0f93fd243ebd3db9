"""Problems found in a site, and the exceptions that carry them to an exit code."""
from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One mistake in one file, printed as ``path:line: message``.

    ``path`` is relative to the site directory; ``line`` is 1-based, 0 when the
    problem concerns the whole file. Problems sort by their fields, in that order (a
    `Counted` line among them too).
    """

    path: str
    line: int
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{self.message}"

    def _order(self) -> tuple[str, int, str, str]:
        return (self.path, self.line, self.message, self.severity)

    def __lt__(self, other: Problem) -> bool:
        return self._order() < other._order()

    def __le__(self, other: Problem) -> bool:
        return self._order() <= other._order()

    def __gt__(self, other: Problem) -> bool:
        return self._order() > other._order()

    def __ge__(self, other: Problem) -> bool:
        return self._order() >= other._order()


def warning(path: str, line: int, message: str) -> Problem:
    """A problem that does not stop the build (unless ``--strict``)."""
    return Problem(path, line, message, "warning")


def errors_in(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    """The problems that stop a build."""
    problems = problems if isinstance(problems, (list, tuple)) else list(problems)
    if "error" not in map(_severity, problems):  # C loops: a large site's warnings are many
        return ()
    return tuple(p for p in problems if p.severity == "error")


REPEATS_SHOWN = 3
"""Problems with the same message in the same file shown before the rest are counted;
likewise warnings with the same message in different files."""


class Counted(Problem):
    """A line `collapsed` writes in place of the repeats it counts: never counted again,
    so that collapsing what is already collapsed changes nothing."""


def collapsed(problems: Iterable[Problem], keep: int = REPEATS_SHOWN) -> list[Problem]:
    """*problems* as they are shown: after *keep* with the same message in the same file,
    one line counts the rest (``path: … and 90,005 more like this``), so a mistake
    repeated 90,000 times does not bury the others. A warning given in more than *keep*
    files in the same words (one agency photo too small for the lead of 10,000
    articles) is shown for the first *keep*, then counted on one line,
    ``(and 9,997 more files): warning: <the message>``; an error is shown in every file.
    The result collapsed again is the same."""
    problems = tuple(problems)
    keys = list(zip(map(_path, problems), map(_message, problems), map(_severity, problems), map(type, problems)))
    totals = Counter(keys)
    files = Counter([message for (_, message, severity, kind) in totals if severity == "warning" and kind is Problem])
    widespread = {message: count for message, count in files.items() if count > keep}
    if not widespread and len(totals) == len(keys):
        return list(problems)  # nothing repeats: the common case, in one pass
    seen: Counter[tuple[str, str, str, type]] = Counter()
    given: dict[str, dict[str, int]] = {message: {} for message in widespread}  # their files, in order first given
    shown: list[Problem] = []
    for problem, same in zip(problems, keys):
        path, message, severity, kind = same
        if kind is not Problem:  # a count already made
            shown.append(problem)
            continue
        if severity == "warning" and message in widespread:
            ranks = given[message]
            rank = ranks.setdefault(path, len(ranks))
            if rank >= keep:
                if rank == keep and seen[same] == 0:  # the first file beyond those shown
                    seen[same] = 1
                    shown.append(Counted(f"(and {widespread[message] - keep:,} more files)", 0, message, severity))
                continue
        seen[same] += 1
        if seen[same] <= keep:
            shown.append(problem)
        if seen[same] == keep and totals[same] > keep:
            shown.append(Counted(path, 0, f"… and {totals[same] - keep:,} more like this", severity))
    return shown


_path, _message, _severity = attrgetter("path"), attrgetter("message"), attrgetter("severity")


def did_you_mean(word: str, choices: Sequence[str]) -> str:
    """`` (did you mean 'x'?)`` when a close choice exists, else ``""``."""
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def plural(count: int, noun: str) -> str:
    """``1 error``, ``2 errors``, ``90,007 errors``: for the English messages of the command line."""
    return f"{count:,} {noun}{'s' * (count != 1)}"


def tally(problems: Iterable[Problem]) -> str:
    """``2 errors in 1 file`` (or ``1 warning in 1 file`` when nothing is an error)."""
    problems = tuple(problems)
    errors = errors_in(problems)
    counted, noun = (errors, "error") if errors else (problems, "warning")
    return f"{plural(len(counted), noun)} in {plural(len({p.path for p in counted}), 'file')}"


class OverBudget(BaseException):
    """Raised inside a parse that ran past its CPU-time budget (`newsgen.io.budget` sets the
    timer). A BaseException, as KeyboardInterrupt is, so that no ``except Exception`` in a
    library swallows it."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"over the budget of {seconds:g} s")
        self.seconds = seconds


class NewsgenError(Exception):
    """Base class: every expected failure, with the exit code it maps to."""

    exit_code = 1

    def __init__(self, problems: Iterable[Problem] = (), message: str = "") -> None:
        self.problems = tuple(sorted(problems))
        super().__init__(message or "\n".join(map(str, self.problems)))


class ContentError(NewsgenError):
    """Articles or templates are wrong: exit 1, nothing written."""

    exit_code = 1


class WriteError(NewsgenError):
    """The output could not be written (a full disk, a read-only folder): exit 1."""

    exit_code = 1


class ConfigError(NewsgenError):
    """newsgen.yaml is missing or wrong: exit 2."""

    exit_code = 2


class UsageError(NewsgenError):
    """The command line asks for something impossible: exit 2."""

    exit_code = 2
