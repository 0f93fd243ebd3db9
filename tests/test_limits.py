"""Bodies that would take minutes or exhaust the stack are an error at their line, found
in well under a second; a time budget stops whatever else runs too long."""
from __future__ import annotations

import threading
import time

import pytest

from newsgen.io import budget
from newsgen.core.config import parse_config
from newsgen.core.errors import OverBudget
from newsgen.core.parse import ParseContext, parse_article

from helpers.sites import article_text, CONFIG, SiteDir

CTX = ParseContext(parse_config(CONFIG), frozenset())
PATH = "content/mundo/2025-06-04-kim.md"
BODY_LINE = 8  # article_text's body starts on line 8: "Texto." there, the case from line 10

CASES = {
    # name: (body after "Texto.\n\n", line of the problem, what the message says)
    "1,000 levels of list": ("\n".join("    " * i + "- x" for i in range(1000)), 10 + 32, "nested 33 levels deep"),
    "lists on one line": ("- " * 1000 + "x", 10, "nested 1000 levels deep"),
    "'>' × 1000": (">" * 1000 + " x", 10, "nested 1000 levels deep"),
    "quotes line after line": ("\n".join("> " * i + "x" for i in range(1, 1000)), 10 + 32, "nested 33 levels deep"),
    "'*' × 5000": ("*" * 5000 + "x" + "*" * 5000, 10, "nests Markdown too deeply to read"),
    "'_' × 5000": ("_" * 5000 + "x" + "_" * 5000, 10, "nests Markdown too deeply to read"),
    "'[' × 20000": ("[" * 20000, 10, "more than 32 '[' open at once"),
    "'![' on 13,000 lines": ("![\n" * 13000, 10 + 32, "more than 32 '[' open at once"),
    "'<a ' × 13000": ("<a " * 13000, 10, "more than 32 '<' never closed by '>'"),
    "'<![CDATA[' × 4500": ("<![CDATA[" * 4500, 10, "more than 32"),
    "'<div>' × 8000": ("<div>" * 8000 + "x", 10, "HTML elements nested more than 32 deep"),
}


@pytest.mark.parametrize("name", CASES)
def test_pathological_bodies_are_an_error_at_their_line_within_a_second(name: str) -> None:
    body, line, says = CASES[name]
    start = time.process_time()
    article, problems = parse_article(PATH, article_text(body="Texto.\n\n" + body).encode(), CTX)
    assert time.process_time() - start < 1.5, "bounded by the checks alone, without a timer"
    assert article is None
    [problem] = problems
    assert (problem.line, problem.severity) == (line, "error")
    assert says in problem.message


def test_a_body_too_deep_to_read_leaves_the_next_one_right() -> None:
    parse_article(PATH, article_text(body="*" * 5000 + "x" + "*" * 5000).encode(), CTX)
    article, problems = parse_article(PATH, article_text(body="Um *dois* [três](https://x.pt/).").encode(), CTX)
    assert problems == [] and article is not None
    assert article.body_html == '<p>Um <em>dois</em> <a href="https://x.pt/">três</a>.</p>'


def test_nesting_within_the_bounds_and_rules_still_read() -> None:
    body = "\n".join(
        ["\n".join("    " * i + "- nível" for i in range(10)), "", "- " * 40, "", "> " * 10 + "citação", "",
         "<ul>" + "<li>item" * 40 + "</ul>", "", "[a] " * 40, "", "x < y " * 40]
    )
    article, problems = parse_article(PATH, article_text(body=body).encode(), CTX)
    assert problems == [] and article is not None
    assert article.body_html.count("<li>") >= 10 and "<hr>" in article.body_html


def test_the_command_line_reports_it_with_no_traceback(site: SiteDir, cli) -> None:
    site.article("a", body="Texto.\n\n" + "\n".join("    " * i + "- x" for i in range(1000)))
    run = cli("-C", str(site.root), "check")
    assert run.code == 1
    assert run.err.splitlines()[0].endswith("content/mundo/a.md:42: lists and quotes nested 33 levels deep; "
                                            "at most 32 (each '>', list marker or 4 spaces of indentation at "
                                            "the start of a line is a level)")
    assert "Traceback" not in run.err


def test_a_parse_over_its_time_budget_is_an_error_at_the_body(site: SiteDir, cli, monkeypatch) -> None:
    """What the checks do not foresee, the budget stops: here a tiny budget and a long body."""
    monkeypatch.setattr(budget, "PARSE_SECONDS", 0.005)
    site.article("a", body="\n\n".join(f"Parágrafo *{i}* com [uma ligação](https://x.pt/{i})." for i in range(3000)))
    run = cli("-C", str(site.root), "check")
    assert run.code == 1
    assert "content/mundo/a.md:" in run.err and "the body took over 0.005 s to read" in run.err
    monkeypatch.setattr(budget, "PARSE_SECONDS", 1.0)
    assert cli("-C", str(site.root), "check").code == 0, "the same article parses within the real budget"


def test_the_budget_interrupts_only_where_a_timer_can_run() -> None:
    with pytest.raises(OverBudget):
        with budget.within(0.02):
            while True:
                pass
    finished: list[bool] = []

    def elsewhere() -> None:
        with budget.within(0.001):
            deadline = time.process_time() + 0.05
            while time.process_time() < deadline:
                pass
        finished.append(True)

    thread = threading.Thread(target=elsewhere)
    thread.start()
    thread.join()
    assert finished == [True], "no timer outside the main thread"
