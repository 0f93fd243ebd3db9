"""The command line: verbs, -C anywhere, problems as path:line: message, exit codes."""
from __future__ import annotations

import importlib
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from newsgen.core.errors import collapsed, warning
from newsgen.incremental.noop import noop as check_unchanged
from newsgen.core.parse import PLACEHOLDER_STANDFIRST

from helpers.sites import SiteDir, tree


def test_build_exits_0_and_says_what_it_built(site: SiteDir, cli) -> None:
    site.article("a")
    run = cli("-C", str(site.root), "build")
    assert run.code == 0, run.err
    assert "built 1 article · 9 pages · 29 rewritten · " in run.err
    assert (site.out / "index.html").is_file()
    again = cli("-C", str(site.root), "build")
    assert again.code == 0 and "built 1 article · 9 pages · 0 rewritten · " in again.err, "nothing changed"


@pytest.mark.parametrize("order", ["before", "after"])
def test_dash_c_works_before_or_after_the_verb(site: SiteDir, cli, order: str) -> None:
    site.article("a")
    args = ["-C", str(site.root), "check"] if order == "before" else ["check", "-C", str(site.root)]
    assert cli(*args).code == 0


def test_bad_content_lists_every_problem_then_exits_1_writing_nothing(site: SiteDir, cli, monkeypatch) -> None:
    site.article("a", section="desporto")
    site.article("b", timestamp="ontem", hashtags=["a/b"])
    monkeypatch.chdir(site.root)
    run = cli("build")
    assert run.code == 1
    lines = run.err.splitlines()
    assert lines[:3] == [
        "content/mundo/a.md:4: unknown section 'desporto'; newsgen.yaml defines: mundo, europa",
        "content/mundo/b.md:5: 'timestamp' is not an ISO 8601 date and time (e.g. 2025-06-04T18:30 or 2025-06-04T18:30+01:00): 'ontem'",
        "content/mundo/b.md:6: hashtag 'a/b': may hold only letters, digits, spaces and hyphens (no '/', '.', '#' or other signs)",
    ]
    assert lines[3] == "3 errors in 2 files; nothing was written"
    assert "Traceback" not in run.err
    assert not site.out.exists()


def test_problem_paths_are_relative_to_where_the_editor_stands(site: SiteDir, cli, monkeypatch) -> None:
    site.article("a", section="desporto")
    monkeypatch.chdir(site.root.parent)
    run = cli("check", "-C", "site")
    assert run.err.startswith("site/content/mundo/a.md:4: unknown section")


TEMPLATE_ERRORS = {
    "syntax error": ("article.html", "{% if %}\n", "article.html:1: Expected an expression, got 'end of statement block'"),
    "undefined": (
        "article.html", '{% extends "base.html" %}\n{% block content %}\n{{ nope }}\n{% endblock %}\n',
        "article.html:3: 'nope' is undefined",
    ),
    "included, syntax error": ("_colophon.html", "<p>\n{% for %}</p>\n", "_colophon.html:2: Expected an expression, got 'end of statement block'"),
    "included, undefined": ("_colophon.html", "<p>\n{{ nada }}</p>\n", "_colophon.html:2: 'nada' is undefined"),
}


@pytest.mark.parametrize("error", TEMPLATE_ERRORS)
@pytest.mark.parametrize("where", ["site", "./site", "absolute", "inside"])
def test_a_template_problem_names_its_file_once(site: SiteDir, cli, monkeypatch, where: str, error: str) -> None:
    """``-C tb`` used to give ``tb/tb/templates/article.html:1``: problems carry paths in
    the site, and the command line adds the way there once."""
    site.article("a")
    name, text, expected = TEMPLATE_ERRORS[error]
    site.write(f"templates/{name}", text)
    monkeypatch.chdir(site.root if where == "inside" else site.root.parent)
    dash_c = {"inside": [], "absolute": ["-C", str(site.root)]}.get(where, ["-C", where])
    shown = "templates/" if where == "inside" else "site/templates/"
    for verb in ("build", "check"):
        run = cli(*dash_c, verb)
        assert run.code == 1
        tally = "1 error in 1 file; nothing was written" if verb == "build" else "1 error in 1 file"
        assert run.err.splitlines() == [shown + expected, tally]


def test_bad_config_exits_2_listing_every_key(site: SiteDir, cli, monkeypatch) -> None:
    site.write("newsgen.yaml", "title: x\nbase_url: nope\ntimezone: Marte/Base\nsections: {}\n")
    monkeypatch.chdir(site.root)
    run = cli("build")
    assert run.code == 2
    assert run.err.splitlines() == [
        "newsgen.yaml:2: base_url must be an absolute http(s) URL, not 'nope'",
        "newsgen.yaml:3: unknown time zone 'Marte/Base' (e.g. Europe/Lisbon)",
        "newsgen.yaml:4: 'sections' must map section keys to titles, e.g. 'mundo: {title: Mundo}'",
        "3 errors in 1 file; nothing was written",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["publish"], "invalid choice"),
        (["build", "--nope"], "unrecognized arguments"),
        (["new", "Título"], "the following arguments are required: --section"),
    ],
)
def test_usage_errors_exit_2(cli, args: list[str], message: str) -> None:
    with pytest.raises(SystemExit) as caught:
        cli(*args)
    assert caught.value.code == 2


def test_missing_site_and_bad_clock_exit_2(site: SiteDir, cli, tmp_path: Path, monkeypatch) -> None:
    run = cli("-C", str(tmp_path / "nada"), "build")
    assert run.code == 2 and "newsgen.yaml not found" in run.err
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "ontem")
    site.article("a")
    run = cli("-C", str(site.root), "build")
    assert run.code == 2 and "SOURCE_DATE_EPOCH must be whole seconds" in run.err


@pytest.mark.parametrize("verb", ["build", "check", "new"])
def test_every_verb_explains_itself(capsys, verb: str) -> None:
    from newsgen.cli import main

    with pytest.raises(SystemExit) as caught:
        main([verb, "--help"])
    assert caught.value.code == 0
    assert "-C DIR" in capsys.readouterr().out


def test_check_writes_nothing(site: SiteDir, cli) -> None:
    site.article("a")
    run = cli("-C", str(site.root), "check")
    assert run.code == 0 and "no errors" in run.err
    assert not site.out.exists()


def test_strict_turns_warnings_into_errors(site: SiteDir, cli) -> None:
    site.article("a", hedline="typo")
    relaxed = cli("-C", str(site.root), "check")
    assert relaxed.code == 0 and "warning: unknown field 'hedline' (did you mean 'headline'?)" in relaxed.err
    strict = cli("-C", str(site.root), "check", "--strict")
    assert strict.code == 1


def test_new_writes_a_valid_draft_stamped_in_lisbon(site: SiteDir, cli, monkeypatch) -> None:
    monkeypatch.chdir(site.root)
    run = cli("new", "Kim recebe \"Shoigu\" em Pyongyang", "--section", "mundo", "--hashtags", "CooperaçãoMilitar, NATO")
    assert run.code == 0, run.err
    path = run.out.strip()
    assert path == "content/mundo/2025-07-13-kim-recebe-shoigu-em-pyongyang.md"
    text = (site.root / path).read_text(encoding="utf-8")
    assert "timestamp: 2025-07-13T13:00+01:00\n" in text  # NOW is 12:00 UTC, Lisbon is UTC+1 in July
    assert "draft: true\n" in text and PLACEHOLDER_STANDFIRST in text
    assert cli("check", "--strict").code == 0
    assert cli("check", "--drafts", "--strict").code == 0
    again = cli("new", "Kim recebe \"Shoigu\" em Pyongyang", "--section", "mundo")
    assert again.code == 2 and "already exists" in again.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--section", "desporto"], "unknown section 'desporto'; newsgen.yaml defines: mundo, europa"),
        (["--section", "mundo", "--hashtags", "a/b"], "hashtag 'a/b'"),
    ],
)
def test_new_refuses_bad_input_with_exit_2(site: SiteDir, cli, args: list[str], message: str) -> None:
    run = cli("-C", str(site.root), "new", "Título", *args)
    assert run.code == 2 and message in run.err
    assert not (site.root / "content").exists() or tree(site.root / "content") == {}


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_prints_only_problems(site: SiteDir, cli, where: str) -> None:
    site.article("a", hedline="typo")
    args = ["-q", "-C", str(site.root), "build"] if where == "before" else ["-C", str(site.root), "build", "-q"]
    run = cli(*args)
    assert run.code == 0
    assert run.err.splitlines() == [f"{os.path.relpath(site.root)}/content/mundo/a.md:7: warning: unknown field 'hedline' (did you mean 'headline'?)"]


def test_the_command_exits_with_the_build_s_code_and_all_its_output(site: SiteDir) -> None:
    """`python -m newsgen` ends with `os._exit` (no heap teardown): exit codes and every
    line printed to a pipe must still get out."""
    site.article("a")
    site.article("b", section="mudno")
    command = [sys.executable, "-m", "newsgen", "-C", str(site.root), "build", "--no-search"]
    env = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
    broken = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False, env=env)
    assert broken.returncode == 1
    assert "content/mundo/b.md:" in broken.stderr and "unknown section 'mudno'" in broken.stderr
    assert broken.stderr.rstrip().endswith("nothing was written")
    (site.root / "content/mundo/b.md").unlink()
    built = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False, env=env)
    assert built.returncode == 0, built.stderr
    assert "built 1 article · 9 pages · 29 rewritten · " in built.stderr
    assert (site.out / "index.html").is_file()
    started = subprocess.run(  # stdout to a pipe is block-buffered: only a flush gets it out
        [sys.executable, "-m", "newsgen", "-C", str(site.root), "new", "Cimeira em Bruxelas", "--section", "mundo"],
        capture_output=True, text=True, timeout=120, check=False, env=env,
    )
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip().endswith("-cimeira-em-bruxelas.md")


def test_a_hundred_thousand_hashtags_are_one_problem_not_ninety_thousand(site: SiteDir, cli, monkeypatch) -> None:
    tags = ", ".join(f"Tag{i}" for i in range(100_000))
    site.write("content/mundo/a.md", f"---\nheadline: A\nstandfirst: B\nsection: mundo\ntimestamp: 2025-06-04T18:30\nhashtags: [{tags}]\n---\nTexto.\n")
    monkeypatch.chdir(site.root)
    run = cli("build")
    assert run.code == 1
    assert run.err.splitlines() == [
        "content/mundo/a.md:6: more than 10,000 values (each repeat of an alias counts): too many to read",
        "1 error in 1 file; nothing was written",
    ]


def test_a_message_repeated_in_one_file_is_shown_three_times_then_counted(site: SiteDir, cli, monkeypatch) -> None:
    empty = ", ".join(["~"] * 5000)
    site.article("a", hashtags=["a/b"])
    site.write("content/mundo/b.md", f"---\nheadline: A\nstandfirst: B\nsection: mundo\ntimestamp: 2025-06-04T18:30\nhashtags: [{empty}]\n---\nTexto.\n")
    site.write("content/mundo/c.md", "---\nheadline: A\nstandfirst: B\nsection: mundo\ntimestamp: 2025-06-04T18:30\nhashtags: [~, ~, ~]\n---\nTexto.\n")
    monkeypatch.chdir(site.root)
    run = cli("build")
    assert run.code == 1
    assert run.err.splitlines() == [
        "content/mundo/a.md:6: hashtag 'a/b': may hold only letters, digits, spaces and hyphens (no '/', '.', '#' or other signs)",
        *["content/mundo/b.md:6: a hashtag must be text, not nothing"] * 3,
        "content/mundo/b.md: … and 4,997 more like this",
        *["content/mundo/c.md:6: a hashtag must be text, not nothing"] * 3,  # exactly three: nothing to count
        "5,004 errors in 3 files; nothing was written",
    ]


def test_a_warning_given_in_many_files_is_shown_three_times_then_counted(site: SiteDir, cli, monkeypatch) -> None:
    for n in range(6):
        site.article(f"a{n}", hedline="typo")
    site.article("b", hedline="typo", standfirst="")  # an error is shown in every file
    site.article("c", hedline="typo", standfirst="")
    monkeypatch.chdir(site.root)
    typo = "warning: unknown field 'hedline' (did you mean 'headline'?)"
    run = cli("-q", "check")
    assert run.code == 1
    lines = run.err.splitlines()
    assert [line for line in lines if typo in line] == [
        *[f"content/mundo/{name}.md:7: {typo}" for name in ("a0", "a1", "a2")],
        f"(and 5 more files): {typo}",
    ]
    assert sum("content/mundo/b.md" in line for line in lines) == sum("content/mundo/c.md" in line for line in lines) == 1
    assert lines[-1] == "2 errors in 2 files"


def test_a_build_with_nothing_changed_repeats_the_warnings_as_they_were_shown(site: SiteDir, cli, monkeypatch) -> None:
    """The no-op build keeps the warnings as printed, counts included, and prints them alike."""
    for n in range(6):
        site.article(f"a{n}", hedline="typo")
    monkeypatch.chdir(site.root)
    answered: list[bool] = []

    def noop(*args: object) -> object:
        result = check_unchanged(*args)
        answered.append(result is not None)
        return result

    monkeypatch.setattr(importlib.import_module("newsgen.cli.main"), "noop", noop)
    first, again = cli("-q", "build"), cli("-q", "build")
    assert first.code == again.code == 0 and answered == [False, True]  # the second build did nothing
    assert "(and 3 more files): warning: unknown field 'hedline' (did you mean 'headline'?)" in first.err
    assert again.err == first.err and len(first.err.splitlines()) == 4


def test_problems_collapsed_twice_are_shown_as_collapsed_once() -> None:
    """What a no-op build prints from its cache is what the build printed."""
    many = [warning(f"content/mundo/{n}.md", 7, "unknown field 'hedline'") for n in range(6)]
    repeated = [warning("content/mundo/b.md", 9, "an image without alt text")] * 5
    once = collapsed([*many, *repeated, *[warning("content/mundo/c.md", 3, "x")] * 4])
    assert [str(p) for p in once if "more" in str(p)] == [
        "(and 3 more files): warning: unknown field 'hedline'",
        "content/mundo/b.md: warning: … and 2 more like this",
        "content/mundo/c.md: warning: … and 1 more like this",
    ]
    assert collapsed(once) == once
    assert str(min(once)).startswith("(and 3 more files)")  # ordered among the others, as errors are sorted


def test_check_ends_with_the_tally_and_build_says_it_wrote_nothing(site: SiteDir, cli, monkeypatch) -> None:
    site.article("a", section="mudno")
    monkeypatch.chdir(site.root)
    checked, built = cli("check"), cli("build")
    assert checked.code == built.code == 1
    assert checked.err.splitlines()[-1] == "1 error in 1 file", "check never writes: no 'nothing was written'"
    assert built.err.splitlines()[-1] == "1 error in 1 file; nothing was written"


def test_new_with_a_misspelt_section_suggests_the_right_one(site: SiteDir, cli) -> None:
    run = cli("-C", str(site.root), "new", "Título", "--section", "mudno")
    assert run.code == 2
    assert run.err.strip() == "newsgen: unknown section 'mudno' (did you mean 'mundo'?); newsgen.yaml defines: mundo, europa"


def test_an_unclosed_quote_is_named_at_the_line_where_it_opens(site: SiteDir, cli, monkeypatch) -> None:
    site.write("content/mundo/a.md", '---\nheadline: "Kim recebe Shoigu\nstandfirst: "O líder norte-coreano"\nsection: mundo\n---\nTexto.\n')
    monkeypatch.chdir(site.root)
    run = cli("check")
    assert run.err.splitlines() == [
        'content/mundo/a.md:2: YAML syntax error: unclosed quote: add the closing " on this line (the value ran on to the " on line 3)',
        "1 error in 1 file",
    ]


@pytest.mark.parametrize(
    ("flags", "warned"),
    [
        (["--drafts"], "warning: --drafts put draft articles in build/, the folder you publish; build without it before publishing (or use -o DIR, or newsgen serve)"),
        (["--future", "-q"], "warning: --future put embargoed articles in build/, the folder you publish; build without it before publishing (or use -o DIR, or newsgen serve)"),
        (["--drafts", "--future", "-o", "build"], "warning: --drafts and --future put draft and embargoed articles in build/, the folder you publish; build without them before publishing (or use -o DIR, or newsgen serve)"),
        (["--drafts", "-o", "preview"], None),
        ([], None),
    ],
)
def test_drafts_built_into_the_published_folder_are_warned_about(
    site: SiteDir, cli, monkeypatch, flags: list[str], warned: str | None
) -> None:
    site.article("a")
    site.article("b", draft=True)
    monkeypatch.chdir(site.root)
    run = cli("build", "--no-search", *flags)
    assert run.code == 0, run.err
    lines = run.err.splitlines()
    assert (lines[-1] if warned else None) == warned or (warned is None and not any("warning" in l for l in lines))
    if warned:
        assert cli("build", "--no-search", *flags).err.splitlines()[-1] == warned, "a build with nothing to do says it too"


def test_the_readme_s_command_lines_name_every_option_of_every_verb() -> None:
    import argparse

    from newsgen.cli.arguments import parser

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    block = readme.split("## The command line", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    lines = {m.group(1): m.group(0) for m in re.finditer(r"^newsgen \[-C DIR\](?: \[-q\])? (\w+).*$", block, re.MULTILINE)}
    verbs = next(a for a in parser()._actions if isinstance(a, argparse._SubParsersAction))
    missing = []
    for verb, parser in verbs.choices.items():
        for action in parser._actions:
            flags = [f for f in action.option_strings if f not in ("-h", "--help", "-C", "-q", "--quiet")]
            if flags and not any(re.search(rf"[ \[]{re.escape(f)}[ \]]", lines.get(verb, "")) for f in flags):
                missing.append(f"{verb} {flags[-1]}")
    assert missing == []
