"""The order of a front (`newsgen.core.ranking`): the manchete, the destaques, then the
newest, as the editors set them, by the build clock alone."""
from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from newsgen.core.models import Article
from newsgen.core.ranking import SHOWN, TOP, compose, in_force

START = datetime(2025, 7, 1, tzinfo=UTC)
NOW = datetime(2025, 7, 13, 12, tzinfo=UTC)


def story(n: int, priority: str = "", until: datetime | None = None) -> Article:
    """Story *n*, published *n* hours after `START` (a larger *n* is newer)."""
    return Article(
        f"content/mundo/{n}.md", f"Notícia {n}", "Resumo.", "mundo", START + timedelta(hours=n), None, (), (),
        f"n{n}", False, "", (), "", 1, f"mundo/{n}/", "", (), priority=priority, until=until,
    )


def front_of(articles: list[Article], now: datetime = NOW):  # type: ignore[no-untyped-def]
    newest_first = tuple(sorted(articles, key=lambda a: a.published, reverse=True))
    return compose(newest_first, tuple(a for a in newest_first if a.priority), now)


def headlines(articles: tuple[Article, ...]) -> list[int]:
    return [int(a.headline.split()[-1]) for a in articles]


def test_without_priorities_a_front_is_newest_first() -> None:
    front = front_of([story(n) for n in range(30)])
    assert front.lead is not None and front.lead.headline == "Notícia 29"
    assert headlines(front.top) == [28, 27, 26, 25, 24, 23]
    assert headlines(front.latest) == list(range(22, 9, -1))
    assert front.left_out is not None and front.left_out.headline == "Notícia 9"


def test_the_newest_manchete_in_force_leads_and_destaques_follow_it() -> None:
    stories = [story(n) for n in range(30)]
    stories[3] = story(3, "manchete")  # an older manchete, replaced by a newer one: first in the grid
    stories[5] = story(5, "manchete", until=NOW + timedelta(hours=6))
    stories[7] = story(7, "destaque")
    stories[2] = story(2, "destaque", until=NOW - timedelta(minutes=1))  # its time is up
    front = front_of(stories)
    assert front.lead is not None and front.lead.headline == "Notícia 5"
    assert headlines(front.top) == [3, 7, 29, 28, 27, 26]
    assert headlines(front.latest) == list(range(25, 12, -1)), "the rest newest first, none twice"
    assert front.left_out is not None and front.left_out.headline == "Notícia 12"


def test_a_priority_ends_at_its_until_by_the_build_clock() -> None:
    until = NOW + timedelta(hours=2)
    stories = [story(n) for n in range(10)] + [story(10, "manchete", until)]
    stories[0] = story(0, "destaque", until)
    assert in_force(stories[0], until - timedelta(seconds=1)) == "destaque"
    assert in_force(stories[0], until) == ""
    before, after = front_of(stories, until - timedelta(seconds=1)), front_of(stories, until)
    assert before.lead is not None and before.lead.headline == "Notícia 10"
    assert headlines(before.top)[0] == 0
    assert 0 not in headlines(after.top) and after.lead is not None and after.lead.headline == "Notícia 10"
    assert headlines(after.top + after.latest) == list(range(9, -1, -1)), "back in the newest-first order"


def test_a_destaque_that_is_the_newest_story_is_the_lead_only_once() -> None:
    front = front_of([story(0), story(1, "destaque")])
    assert front.lead is not None and front.lead.headline == "Notícia 1"
    assert headlines(front.top) == [0] and front.latest == () and front.left_out is None


@pytest.mark.parametrize("seed", range(40))
def test_every_story_shows_once_and_the_front_leads_on_to_the_first_left_out(seed: int) -> None:
    """Whatever the priorities: no story twice, at most `SHOWN`, and every story newer than
    the one «Mais artigos» leads to is on the front (so nothing falls between the two)."""
    rng = random.Random(seed)
    stories = [
        story(n, rng.choice(["", "", "", "destaque", "manchete"]), rng.choice([None, NOW - timedelta(hours=1), NOW + timedelta(hours=1)]))
        for n in range(rng.randrange(0, 60))
    ]
    front = front_of(stories)
    shown = ([front.lead] if front.lead else []) + list(front.top) + list(front.latest)
    assert len(shown) == len({id(a) for a in shown}) == min(SHOWN, len(stories))
    assert len(front.top) <= TOP
    if front.left_out is not None:
        assert front.left_out not in shown
        assert all(a in shown for a in stories if a.published > front.left_out.published)
    else:
        assert len(shown) == len(stories)
