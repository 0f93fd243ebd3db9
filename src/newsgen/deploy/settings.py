"""The ``deploy:`` block of newsgen.yaml → `DeploySettings`, every bad key with its line;
then the command line's overrides → the `Target` a deploy writes to.

```yaml
deploy:
  bucket: mundo-site                 # required here or as --bucket
  prefix: noticias/                  # optional: the site's folder in the bucket
  endpoint: https://ACCOUNT.r2.cloudflarestorage.com   # optional; AWS when absent
  region: auto                       # optional; else AWS_REGION, the profile's, us-east-1
  cache_control:                     # optional: glob → Cache-Control, before the defaults
    "images/*": public, max-age=86400
  purge_hook: ["./purge-cdn", "--zone", "mundo"]   # optional: argv, URLs on stdin
```
"""
from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from newsgen.config import did_you_mean, parse_config
from newsgen.deploy.headers import CacheRule
from newsgen.errors import ConfigError, Problem, UsageError
from newsgen.options import CONFIG_FILE
from newsgen.yamldoc import Fields, Map, Scalar, Sequence, describe, load_mapping

KEYS = ("bucket", "prefix", "endpoint", "region", "cache_control", "purge_hook")
BUCKET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,254}")
ENDPOINT = re.compile(r"https?://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?(/[A-Za-z0-9._~%/-]*)?")
REGION = re.compile(r"[A-Za-z0-9-]{1,64}")
HEADER_VALUE = re.compile(r"[\x20-\x7e]+")
"""Printable ASCII: a Cache-Control value goes into an HTTP header as it is."""


@dataclass(frozen=True)
class DeploySettings:
    """What newsgen.yaml says; every field may still be overridden on the command line."""

    bucket: str = ""
    prefix: str = ""
    endpoint: str = ""
    region: str = ""
    cache_rules: tuple[CacheRule, ...] = ()
    purge_hook: tuple[str, ...] = ()


@dataclass(frozen=True)
class Target:
    """Where a deploy writes: ``s3://bucket/prefix`` at an endpoint (AWS when empty)."""

    bucket: str
    prefix: str
    """Empty, or a folder ending in ``/`` (``noticias/``) that every key starts with."""
    endpoint: str = ""
    region: str = ""

    def __str__(self) -> str:
        where = f" at {self.endpoint}" if self.endpoint else ""
        return f"s3://{self.bucket}/{self.prefix}{where}"


def parse_settings(root: Map | None, path: str = CONFIG_FILE) -> DeploySettings:
    """The ``deploy:`` block of the config's YAML tree (absent: all defaults); raise
    `ConfigError` listing every problem with its line."""
    entry = root.get("deploy") if root else None
    if entry is None or (isinstance(entry.value, Scalar) and entry.value.is_null):
        return DeploySettings()
    problems: list[Problem] = []
    if not isinstance(entry.value, Map):
        raise ConfigError([Problem(path, entry.line, f"'deploy' must be a mapping (bucket: …), not {describe(entry.value)}")])
    block = entry.value
    fields = Fields(path, problems)
    for key, item in block.entries.items():
        if key not in KEYS:
            fields.problem(item.line, f"unknown key '{key}' in deploy{did_you_mean(key, KEYS)}")
    bucket = fields.text(block, "bucket")
    if bucket and (message := bucket_problem(bucket)):
        fields.problem(block.entries["bucket"].line, message)
    prefix = fields.text(block, "prefix")
    if prefix and (message := prefix_problem(prefix)):
        fields.problem(block.entries["prefix"].line, message)
    endpoint = fields.text(block, "endpoint")
    if endpoint and (message := endpoint_problem(endpoint)):
        fields.problem(block.entries["endpoint"].line, message)
    region = fields.text(block, "region")
    if region and (message := region_problem(region)):
        fields.problem(block.entries["region"].line, message)
    settings = DeploySettings(
        bucket=bucket,
        prefix=prefix,
        endpoint=endpoint,
        region=region,
        cache_rules=_cache_rules(block, fields),
        purge_hook=_purge_hook(block, fields),
    )
    if problems:
        raise ConfigError(problems)
    return settings


def _cache_rules(block: Map, fields: Fields) -> tuple[CacheRule, ...]:
    entry = block.get("cache_control")
    if entry is None or (isinstance(entry.value, Scalar) and entry.value.is_null):
        return ()
    if not isinstance(entry.value, Map):
        fields.problem(entry.line, "'cache_control' must map globs to Cache-Control values, "
                       f"e.g. '\"images/*\": public, max-age=86400', not {describe(entry.value)}")
        return ()
    rules = []
    for pattern, item in entry.value.entries.items():
        value = item.value
        text = " ".join(value.text.split()) if isinstance(value, Scalar) and not value.is_null else ""
        if not text or not HEADER_VALUE.fullmatch(text):
            fields.problem(item.line, f"the Cache-Control value for '{pattern}' must be printable ASCII text "
                           f"such as 'public, max-age=60', not {describe(value)}")
            continue
        rules.append(CacheRule(pattern.lstrip("/"), text))
    return tuple(rules)


def _purge_hook(block: Map, fields: Fields) -> tuple[str, ...]:
    entry = block.get("purge_hook")
    if entry is None or (isinstance(entry.value, Scalar) and entry.value.is_null):
        return ()
    value = entry.value
    if isinstance(value, Scalar):
        try:
            argv = tuple(shlex.split(value.text))
        except ValueError as exc:
            fields.problem(entry.line, f"'purge_hook' cannot be split into words: {exc}")
            return ()
    elif isinstance(value, Sequence) and all(isinstance(i, Scalar) and not i.is_null for i in value.items):
        argv = tuple(i.text for i in value.items if isinstance(i, Scalar))
    else:
        fields.problem(entry.line, f"'purge_hook' must be a command, as text or a list of words, not {describe(value)}")
        return ()
    if not argv or not argv[0]:
        fields.problem(entry.line, "'purge_hook' must name a command")
        return ()
    return argv


def bucket_problem(bucket: str) -> str:
    """Why *bucket* is not a bucket name, or ``""``."""
    if bucket.startswith("s3://"):
        return f"'bucket' is the bucket's name alone, not a URL: write the path after it as 'prefix' ({bucket!r})"
    if not BUCKET_NAME.fullmatch(bucket):
        return f"'bucket' must be a bucket name (letters, digits, '.', '-', '_'), not {bucket!r}"
    return ""


def prefix_problem(prefix: str) -> str:
    """Why *prefix* is not a folder in a bucket, or ``""``."""
    parts = prefix.strip("/").split("/")
    if any(part in ("", ".", "..") for part in parts) or "\\" in prefix or not prefix.isprintable():
        return f"'prefix' must be a folder such as 'noticias/' (no empty, '.' or '..' parts), not {prefix!r}"
    return ""


def endpoint_problem(endpoint: str) -> str:
    """Why *endpoint* is not an S3 endpoint URL, or ``""``."""
    if "@" in urlsplit(endpoint).netloc:
        return "'endpoint' must not hold credentials: they come from the environment (AWS_ACCESS_KEY_ID, …)"
    if not ENDPOINT.fullmatch(endpoint):
        return f"'endpoint' must be an http(s) URL such as https://s3.eu-central-1.amazonaws.com, not {endpoint!r}"
    return ""


def region_problem(region: str) -> str:
    """Why *region* is not a region name, or ``""``."""
    if not REGION.fullmatch(region):
        return f"'region' must be a region name such as eu-west-1 or auto, not {region!r}"
    return ""


def target(settings: DeploySettings, bucket: str | None = None, prefix: str | None = None,
           endpoint: str | None = None, region: str | None = None) -> Target:
    """The settings with the command line's values (those not None) in their place."""
    bucket = settings.bucket if bucket is None else bucket
    prefix = settings.prefix if prefix is None else prefix
    endpoint = settings.endpoint if endpoint is None else endpoint
    region = settings.region if region is None else region
    if not bucket:
        raise UsageError(message=f"no bucket to deploy to: set 'deploy: {{bucket: NAME}}' in {CONFIG_FILE} or pass --bucket")
    for message in (bucket_problem(bucket), prefix and prefix_problem(prefix), endpoint and endpoint_problem(endpoint),
                    region and region_problem(region)):
        if message:
            raise UsageError(message=re.sub(r"'(bucket|prefix|endpoint|region)'", r"--\1", message, count=1))
    folder = prefix.strip("/")
    return Target(bucket, folder + "/" if folder else "", endpoint.rstrip("/"), region)


def load_settings(site_dir: Path) -> tuple[str, DeploySettings]:
    """The site's ``base_url`` (for the URLs to purge) and deploy settings, from its
    newsgen.yaml, the whole of which must be valid."""
    path = site_dir / CONFIG_FILE
    try:
        text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    except FileNotFoundError:
        raise ConfigError(message=f"{CONFIG_FILE} not found in {site_dir} (use -C DIR to name the site)") from None
    except UnicodeDecodeError:
        raise ConfigError([Problem(CONFIG_FILE, 0, "not UTF-8 text; save the file as UTF-8")]) from None
    site = parse_config(text)
    root, _ = load_mapping(text, CONFIG_FILE)  # parse_config has reported its problems
    return site.base_url, parse_settings(root)
