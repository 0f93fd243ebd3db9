"""The ``deploy:`` block of newsgen.yaml → `DeploySettings`, every bad key with its line.

`core.config` checks the block with every other key, so ``newsgen build`` and ``check``
report a bad one; only ``newsgen deploy`` uses the values (`newsgen.deploy.settings`).

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
from typing import NamedTuple
from urllib.parse import urlsplit

from newsgen.core.errors import ConfigError, Problem, did_you_mean
from newsgen.core.options import CONFIG_FILE
from newsgen.core.yamldoc import Fields, Map, Scalar, Sequence, describe

KEYS = ("bucket", "prefix", "endpoint", "region", "cache_control", "purge_hook")
BUCKET_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{1,254}")
ENDPOINT = re.compile(r"https?://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?(/[A-Za-z0-9._~%/-]*)?")
REGION = re.compile(r"[A-Za-z0-9-]{1,64}")
HEADER_VALUE = re.compile(r"[\x20-\x7e]+")
"""Printable ASCII: a Cache-Control value goes into an HTTP header as it is."""


class CacheRule(NamedTuple):
    """Files whose path (relative to the output, ``/`` separated) matches ``pattern``
    (`fnmatch`: ``*`` also matches ``/``) are stored with Cache-Control ``value``."""

    pattern: str
    value: str


@dataclass(frozen=True)
class DeploySettings:
    """What newsgen.yaml says; every field may still be overridden on the command line."""

    bucket: str = ""
    prefix: str = ""
    endpoint: str = ""
    region: str = ""
    cache_rules: tuple[CacheRule, ...] = ()
    purge_hook: tuple[str, ...] = ()


def parse_settings(root: Map | None, path: str = CONFIG_FILE) -> DeploySettings:
    """The ``deploy:`` block of the config's YAML tree (absent: all defaults); raise
    `ConfigError` listing every problem with its line."""
    problems: list[Problem] = []
    settings = read_deploy(root, Fields(path, problems))
    if problems:
        raise ConfigError(problems)
    return settings


def read_deploy(root: Map | None, fields: Fields) -> DeploySettings:
    """The ``deploy:`` block, each problem added to *fields*' list (with the config's others)."""
    entry = root.get("deploy") if root else None
    if entry is None or (isinstance(entry.value, Scalar) and entry.value.is_null):
        return DeploySettings()
    if not isinstance(entry.value, Map):
        fields.problem(entry.line, f"'deploy' must be a mapping (bucket: …), not {describe(entry.value)}")
        return DeploySettings()
    block = entry.value
    for key, item in block.entries.items():
        if key not in KEYS:
            fields.problem(item.line, f"unknown key '{key}' in deploy{did_you_mean(key, KEYS)}")
    values = {}
    for key, check in (("bucket", bucket_problem), ("prefix", prefix_problem), ("endpoint", endpoint_problem),
                       ("region", region_problem)):
        values[key] = fields.text(block, key)
        if values[key] and (message := check(values[key])):
            fields.problem(block.entries[key].line, message)
    return DeploySettings(**values, cache_rules=_cache_rules(block, fields), purge_hook=_purge_hook(block, fields))


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
