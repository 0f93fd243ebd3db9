"""The deploy's parts without a server: headers, the plan, the records it keeps in the bucket,
its settings, where credentials come from, and errors that never show a secret."""
from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from newsgen.core.errors import ConfigError, UsageError
from newsgen.core.yamldoc import load_mapping
from newsgen.deploy.credentials import find_credentials
from newsgen.deploy.failures import DeployError, SetupError, redact, translate
from newsgen.core.mediatypes import content_type
from newsgen.deploy.headers import ASSET, IMMUTABLE, SHORT, CacheRule, Headers, headers_for
from newsgen.deploy.local import LocalFile
from newsgen.deploy.manifest import Stored, dump_manifest, dump_pending, load_manifest, load_pending
from newsgen.deploy.plan import Listed, make_plan, purge_urls, remembered, remote_state
from newsgen.deploy.settings import DeploySettings, parse_settings, target


@pytest.mark.parametrize(("path", "expected"), [
    ("index.html", "text/html; charset=utf-8"),
    ("css/site.css", "text/css; charset=utf-8"),
    ("js/x.js", "text/javascript; charset=utf-8"),
    ("feed.xml", "application/xml; charset=utf-8"),
    ("pagefind/pagefind-entry.json", "application/json; charset=utf-8"),
    ("robots.txt", "text/plain; charset=utf-8"),
    ("images/x.svg", "image/svg+xml; charset=utf-8"),
    ("site.webmanifest", "application/manifest+json; charset=utf-8"),
    ("media/ab12-480.JPG", "image/jpeg"),
    ("media/ab12-480.avif", "image/avif"),
    ("fonts/x.woff2", "font/woff2"),
    ("pagefind/wasm.pt-pt.pagefind", "application/octet-stream"),
    ("LICENSE", "application/octet-stream"),
    (".well-known/security.txt", "text/plain; charset=utf-8"),
])
def test_content_types_come_from_a_fixed_table(path: str, expected: str) -> None:
    assert content_type(path) == expected


def test_a_precompressed_sibling_keeps_the_original_type_and_says_its_encoding() -> None:
    paths = {"index.html", "index.html.br", "index.html.gz", "dados.csv.gz"}
    assert headers_for("index.html.br", paths) == Headers("text/html; charset=utf-8", SHORT, "br")
    assert headers_for("index.html.gz", paths) == Headers("text/html; charset=utf-8", SHORT, "gzip")
    assert headers_for("index.html", paths) == Headers("text/html; charset=utf-8", SHORT, "")
    assert headers_for("dados.csv.gz", paths) == Headers("application/gzip", ASSET, ""), "a download, not an encoding"


def test_cache_rules_are_the_sites_first_then_the_defaults() -> None:
    rules = (CacheRule("images/*", "public, max-age=86400"), CacheRule("index.html", "no-cache"))
    assert headers_for("images/a/b.png", {"images/a/b.png"}, rules).cache_control == "public, max-age=86400"
    assert headers_for("index.html", set(), rules).cache_control == "no-cache"
    assert headers_for("mundo/index.html", set(), rules).cache_control == SHORT
    assert headers_for("media/3f2a-480.webp", set(), rules).cache_control == IMMUTABLE
    assert headers_for("pagefind/fragment/pt_1a2b.pf_fragment", set()).cache_control == IMMUTABLE
    assert headers_for("pagefind/pagefind.js", set()).cache_control == ASSET, "not content-addressed"
    assert headers_for("css/site.css", set()).cache_control == ASSET, "linked as ?v=…, but the object changes"


def local(path: str, data: bytes = b"x") -> LocalFile:
    import hashlib

    return LocalFile(path, Path("/nonexistent") / path, len(data), hashlib.sha256(data).hexdigest(),
                     headers_for(path, set()))


def stored(file: LocalFile, etag: str = "e1") -> Stored:
    return Stored(file.sha256, file.size, etag, file.headers)


def test_the_plan_uploads_what_differs_in_waves_and_deletes_what_went() -> None:
    files = {f.path: f for f in (local("index.html"), local("mundo/index.html"), local("mundo/2025/06/04/a/index.html"),
                                 local("css/site.css"), local("feed.xml"), local("pagefind/pagefind-entry.json"),
                                 local("pagefind/fragment/x.pf_fragment"), local("tag/a/index.html", b"new"))}
    manifest = {p: stored(f) for p, f in files.items()}
    manifest["tag/a/index.html"] = stored(local("tag/a/index.html", b"old"))
    manifest["gone/index.html"] = stored(local("gone/index.html"))
    del manifest["css/site.css"]
    remote = remote_state(manifest, frozenset(), None)
    plan = make_plan(files, remote)
    assert [[f.path for f in wave] for wave in plan.waves] == [["css/site.css"], ["tag/a/index.html"]]
    assert plan.deletions == ("gone/index.html",)
    assert plan.new == {"css/site.css"}
    assert plan.purge_paths() == ["gone/index.html", "tag/a/index.html"]

    everything = make_plan(files, remote_state(None, frozenset(), {}))
    assert [[f.path for f in wave] for wave in everything.waves] == [
        ["css/site.css"],
        ["mundo/2025/06/04/a/index.html"],
        ["tag/a/index.html"],
        ["mundo/index.html"],
        ["index.html"],
        ["feed.xml", "pagefind/fragment/x.pf_fragment"],
        ["pagefind/pagefind-entry.json"],
    ]


def test_a_header_change_is_an_upload() -> None:
    file = local("index.html")
    old = Stored(file.sha256, file.size, "e1", Headers("text/html", "public, max-age=600"))
    plan = make_plan({"index.html": file}, remote_state({"index.html": old}, frozenset(), None))
    assert [f.path for f in plan.uploads] == ["index.html"]


def test_the_manifest_is_trusted_only_where_nothing_contradicts_it() -> None:
    a, b, c, d = local("a.html"), local("b.html"), local("c.html"), local("d.html")
    manifest = {f.path: stored(f) for f in (a, b, c, d)}
    listing = {"a.html": Listed(1, '"e1"'), "b.html": Listed(1, "other"), "c.html": Listed(2, "e1"),
               "stray.html": Listed(5, "e9")}
    remote = remote_state(manifest, frozenset({"a.html"}), listing)
    assert remote.known == {}, "a pending, b rewritten, c resized, d missing"
    assert remote.present == {"a.html", "b.html", "c.html", "stray.html"}
    assert remote_state(manifest, frozenset(), {"a.html": Listed(1, "")}).known == {"a.html": manifest["a.html"]}, \
        "no ETag listed: the size decides"
    assert remote_state(manifest, None, None).known == {}, "a damaged pending list: trust nothing"
    assert remote_state(manifest, frozenset({"x.html"}), None).present == {*manifest, "x.html"}


def test_the_manifest_after_a_deploy_has_every_file_with_its_etag() -> None:
    a, b = local("a.html"), local("b.html")
    remote = remote_state({"a.html": stored(a, "old")}, frozenset(), {"a.html": Listed(1, "old")})
    assert remembered({"a.html": a, "b.html": b}, remote, {"b.html": '"new"'}, None) == {
        "a.html": stored(a, "old"), "b.html": stored(b, "new")}


def test_records_round_trip_and_damage_means_none() -> None:
    objects = {"index.html": stored(local("index.html"), "abc"), "media/x.jpg": stored(local("media/x.jpg"))}
    data = dump_manifest(objects)
    assert data[:2] == b"\x1f\x8b" and data == dump_manifest(dict(reversed(objects.items()))), "same bytes"
    assert load_manifest(data) == objects
    assert load_manifest(gzip.decompress(data)) == objects
    assert load_manifest(data[:20]) is None
    assert load_manifest(b'{"format": "newsgen-deploy 99", "objects": {}}') is None
    assert load_manifest(b"[1, 2]") is None
    assert load_pending(dump_pending({"b", "a"})) == {"a", "b"}
    assert load_pending(b"garbage") is None


def test_purge_urls_list_a_folder_and_its_index() -> None:
    assert purge_urls("https://example.pt/noticias/", ["index.html", "mundo/index.html", "feed.xml", "a b.html"]) == [
        "https://example.pt/noticias/",
        "https://example.pt/noticias/a%20b.html",
        "https://example.pt/noticias/feed.xml",
        "https://example.pt/noticias/index.html",
        "https://example.pt/noticias/mundo/",
        "https://example.pt/noticias/mundo/index.html",
    ]


def settings(text: str) -> DeploySettings:
    root, problems = load_mapping(text, "newsgen.yaml")
    assert not problems
    return parse_settings(root)


def test_settings_and_the_command_lines_overrides() -> None:
    read = settings("deploy:\n  bucket: mundo\n  prefix: /noticias/\n  region: auto\n"
                    "  purge_hook: ./purge --zone 'a b'\n  cache_control:\n    '/images/*': public, max-age=5\n")
    assert read.purge_hook == ("./purge", "--zone", "a b")
    assert read.cache_rules == (CacheRule("images/*", "public, max-age=5"),)
    assert str(target(read)) == "s3://mundo/noticias/"
    moved = target(read, bucket="outro", prefix="", endpoint="http://127.0.0.1:9000/")
    assert (moved.bucket, moved.prefix, moved.endpoint, moved.region) == ("outro", "", "http://127.0.0.1:9000", "auto")
    assert settings("title: x\n") == DeploySettings()
    assert settings("deploy:\n  purge_hook: [curl, -d, '@-']\n").purge_hook == ("curl", "-d", "@-")
    with pytest.raises(UsageError, match="no bucket to deploy to"):
        target(DeploySettings())
    with pytest.raises(UsageError, match="--prefix must be a folder"):
        target(read, prefix="a/../b")
    with pytest.raises(UsageError, match="--endpoint must not hold credentials"):
        target(read, endpoint="https://key:secret@example.com")
    with pytest.raises(UsageError, match="--endpoint must be an http"):
        target(read, endpoint="https://exa mple.com")  # object_store panics on it
    with pytest.raises(UsageError, match="--region must be a region name"):
        target(read, region="eu west")
    assert target(read, endpoint="http://[::1]:9000").endpoint == "http://[::1]:9000"


def test_every_bad_setting_is_reported_with_its_line() -> None:
    with pytest.raises(ConfigError) as raised:
        settings("deploy:\n  bucket: 'a b'\n  prefix: a//b\n  endpoint: ftp://x\n  purge_hook: \"a 'b\"\n"
                 "  cache_control: [a]\n  region: eu/west\n")
    assert [str(p) for p in raised.value.problems] == [
        "newsgen.yaml:2: 'bucket' must be a bucket name (letters, digits, '.', '-', '_'), not 'a b'",
        "newsgen.yaml:3: 'prefix' must be a folder such as 'noticias/' (no empty, '.' or '..' parts), not 'a//b'",
        "newsgen.yaml:4: 'endpoint' must be an http(s) URL such as https://s3.eu-central-1.amazonaws.com, not 'ftp://x'",
        "newsgen.yaml:5: 'purge_hook' cannot be split into words: No closing quotation",
        "newsgen.yaml:6: 'cache_control' must map globs to Cache-Control values, e.g. "
        "'\"images/*\": public, max-age=86400', not a list",
        "newsgen.yaml:7: 'region' must be a region name such as eu-west-1 or auto, not 'eu/west'",
    ]
    with pytest.raises(ConfigError, match="'deploy' must be a mapping"):
        settings("deploy: mundo\n")


def write_aws(home: Path, credentials: str = "", config: str = "") -> None:
    (home / ".aws").mkdir(parents=True, exist_ok=True)
    (home / ".aws" / "credentials").write_text(credentials)
    (home / ".aws" / "config").write_text(config)


def test_credentials_from_the_environment_first(tmp_path: Path) -> None:
    write_aws(tmp_path, "[default]\naws_access_key_id = AKPROFILE\naws_secret_access_key = SKPROFILE\n")
    found = find_credentials({"AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "SKENV",
                              "AWS_SESSION_TOKEN": "TOKEN"}, tmp_path)
    assert found.options == {"access_key_id": "AKENV", "secret_access_key": "SKENV", "session_token": "TOKEN"}
    assert "SKENV" not in repr(found) and "TOKEN" not in repr(found)
    with pytest.raises(SetupError, match="AWS_SECRET_ACCESS_KEY is not set"):
        find_credentials({"AWS_ACCESS_KEY_ID": "AKENV"}, tmp_path)


def test_credentials_from_a_profile(tmp_path: Path) -> None:
    write_aws(tmp_path, "[default]\naws_access_key_id = AKDEF\naws_secret_access_key = SK%DEF\n"
              "[jornal]\naws_access_key_id = AKJ\naws_secret_access_key = SKJ\n",
              "[profile jornal]\nregion = eu-west-3\n[profile sso]\nsso_session = empresa\n")
    default = find_credentials({}, tmp_path)
    assert (default.source, default.options["secret_access_key"]) == ("profile 'default'", "SK%DEF")
    named = find_credentials({"AWS_PROFILE": "jornal"}, tmp_path)
    assert (named.options["access_key_id"], named.region) == ("AKJ", "eu-west-3")
    with pytest.raises(SetupError, match="AWS_PROFILE names profile 'nenhum', which is in neither"):
        find_credentials({"AWS_PROFILE": "nenhum"}, tmp_path)
    with pytest.raises(SetupError, match=r"signs in with sso_session, which newsgen reads through boto3: pip install boto3"):
        find_credentials({"AWS_PROFILE": "sso"}, tmp_path)


def test_no_credentials_is_an_error_at_once(tmp_path: Path) -> None:
    with pytest.raises(SetupError, match="^no credentials: set AWS_ACCESS_KEY_ID"):
        find_credentials({}, tmp_path)
    web = find_credentials({"AWS_WEB_IDENTITY_TOKEN_FILE": "/t", "AWS_ROLE_ARN": "arn:x"}, tmp_path)
    assert (web.source, dict(web.options)) == ("a web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)", {})


SIGNATURE_ANSWER = """Error performing PUT http://127.0.0.1:9/b/x in 2ms - Server returned non-2xx status code: \
403 Forbidden: <Error><Code>SignatureDoesNotMatch</Code><CanonicalRequest>PUT /b/x
x-amz-security-token:SESSIONTOKEN123</CanonicalRequest></Error>

Debug source:
PermissionDenied { ... }"""


def test_store_errors_become_one_line_without_secrets() -> None:
    refused = translate(Exception(SIGNATURE_ANSWER), "uploading x", "s3://b/", "the environment", ["SESSIONTOKEN123"])
    assert isinstance(refused, SetupError) and refused.exit_code == 2
    assert str(refused) == ("s3://b/ refused the credentials from the environment (SignatureDoesNotMatch) while "
                            "uploading x: check the access key, the secret and the bucket's permissions")
    down = translate(Exception("Error performing GET http://x in 2s, after 3 retries - HTTP error: error sending "
                               "request\n\nDebug source: ..."), "listing the bucket", "s3://b/", "", [])
    assert isinstance(down, DeployError) and down.exit_code == 1
    assert str(down) == "s3://b/: could not connect while listing the bucket"
    odd = translate(Exception("something SESSIONTOKEN123 odd\nDebug source: x"), "reading m", "s3://b/", "", ["SESSIONTOKEN123"])
    assert str(odd) == "s3://b/: something *** odd while reading m"
    assert str(translate(Exception("status code: 503 Service Unavailable: <Code>SlowDown</Code>"), "uploading x",
                         "s3://b/", "", [])) == "s3://b/: HTTP 503 SlowDown while uploading x"
    assert redact("a AKIA1234 b", ["AKIA1234", "xy"]) == "a *** b"


def test_a_file_changed_after_hashing_is_not_uploaded(tmp_path: Path) -> None:
    from newsgen.deploy.local import read_checked, scan_output

    (tmp_path / ".newsgen-output").write_text("x")
    (tmp_path / "index.html").write_text("<p>um</p>")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "link.html").symlink_to(tmp_path / "index.html")
    files = scan_output(tmp_path)
    assert list(files) == ["index.html"], "no marker, no symbolic link"
    assert read_checked(files["index.html"]) == b"<p>um</p>"
    (tmp_path / "index.html").write_text("<p>do</p>")
    with pytest.raises(DeployError, match="index.html is not what was hashed"):
        read_checked(files["index.html"])


def test_a_deploy_can_run_where_an_event_loop_already_runs() -> None:
    """As under Playwright's sync API (the browser tests) or in a notebook."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from newsgen.deploy.publish import _run

    async def answer() -> int:
        return 42

    async def inside() -> int:
        return _run(answer())  # type: ignore[arg-type]

    with ThreadPoolExecutor(1) as pool:  # a thread with no loop yet, whatever this one runs
        assert pool.submit(asyncio.run, inside()).result() == 42


def test_changing_the_deploy_block_rewrites_no_page(site) -> None:
    site.article("a")
    cache = site.root / ".newsgen-cache"
    assert site.build(cache=cache).rewritten > 0
    site.write("newsgen.yaml", (site.root / "newsgen.yaml").read_text(encoding="utf-8") + "deploy:\n  bucket: mundo\n")
    assert site.build(cache=cache).rewritten == 0, "the deploy block is checked by build, never rendered"


def test_the_deploy_code_is_not_in_the_digest_of_what_a_build_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsgen.io import scanning, sources

    package = tmp_path / "newsgen"
    for rel in ("core/site.py", "deploy/plan.py", "starter/site/newsgen.yaml", "theme/templates/base.html"):
        (package / rel).parent.mkdir(parents=True, exist_ok=True)
        (package / rel).write_text("x = 1\n")
    monkeypatch.setattr(sources, "PACKAGE", package)
    monkeypatch.setattr(scanning, "PACKAGE", package)
    digest = sources.code_digest.__wrapped__
    before = digest()
    (package / "deploy/plan.py").write_text("x = 2\n")
    (package / "starter/site/newsgen.yaml").write_text("title: Outro\n")
    assert digest() == before, "deploy/ and starter/ are not a build's code"
    (package / "core/site.py").write_text("x = 2\n")
    assert digest() != before
    names = set(scanning.scan(tmp_path / "site").files)
    assert names == {"newsgen:core/site.py", "newsgen:theme/templates/base.html"}
