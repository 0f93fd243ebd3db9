"""What a plan says of the site's addresses, once every output is planned: the URLs that
moved or went (`newsgen.core.fates`: warnings, said once), an alias or a ledger URL over
another page (an error), absolute links to the site that reach no page (warnings), and
whether ``urls.lock`` is what the build leaves (``newsgen check``)."""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import replace

from newsgen.core import urls
from newsgen.core.errors import ContentError, Problem, errors_in, warning
from newsgen.core.fates import Reckoning
from newsgen.core.ledger import Ledger, describe_changes
from newsgen.core.links import site_link_problems
from newsgen.core.options import LEDGER_FILE
from newsgen.core.outputs import Planned
from newsgen.core.site import Site


def address_problems(
    site: Site, reckoning: Reckoning, plan: list[Planned], made: set[str], published: Mapping[str, object],
    strict: bool, linked: bool,
) -> tuple[Problem, ...]:
    """The warnings of this plan's addresses; raise `ContentError` for its errors. *made*:
    the files of *plan*; *published*: the files published as they are; *linked*: whether
    any body links to an article or to the site's own address."""
    fates = {fate.path: fate for fate in reckoning.fates}
    links = site_link_problems(site.articles, made | published.keys(), fates) if linked else []
    if strict:
        links = [replace(p, severity="error") for p in links]
    # A URL that moved or went is handled (a redirect, a notice) and said once, when the
    # ledger learns it: --strict does not stop the build that records it.
    problems = [*reckoning.problems, *links, *_over_pages(site, plan, made)]
    errors = errors_in(problems)
    if errors:
        raise ContentError(errors)
    return tuple(problems)


def _over_pages(site: Site, plan: list[Planned], made: set[str]) -> list[Problem]:
    """An error for each alias, or ledger URL, whose redirect or notice would stand where
    another output of the plan is (a front, a tag page, a feed): two outputs of one file."""
    if len(made) == len(plan):
        return []
    doubled = {file for file, n in Counter(item.file for item in plan).items() if n > 1}
    problems = []
    for article in site.articles:
        for alias in article.aliases:
            if urls.output_file(alias.path) in doubled:
                doubled.discard(urls.output_file(alias.path))
                problems.append(Problem(article.source, alias.line, f"alias /{alias.path} is the address of a page of this site"))
    problems += [Problem(LEDGER_FILE, 0, f"/{file.removesuffix('index.html')} is the address of a page of this site; "
                         "remove its line") for file in sorted(doubled)]
    return problems


def stale_ledger(was: Ledger, now: Ledger | None, found: bool) -> Iterator[Problem]:
    """An error when the ledger *was* (``urls.lock``; *found*: whether there is one) is not
    what the build leaves (*now*; None: the same), a warning when the site has none yet."""
    if now is None:
        return
    if not found:
        yield warning(LEDGER_FILE, 0, "the site has no URL ledger yet: newsgen build writes it; commit it, so that "
                      "moved and deleted articles keep their addresses")
        return
    yield Problem(LEDGER_FILE, 0, f"is out of date ({describe_changes(was, now)}): run newsgen build and commit urls.lock")
