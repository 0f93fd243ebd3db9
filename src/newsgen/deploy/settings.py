"""Where a deploy writes: newsgen.yaml's ``deploy:`` block (read by
`newsgen.core.deploysettings`, which ``newsgen build`` checks too) with the command line's
overrides → the `Target`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from newsgen.core.config import parse_config
from newsgen.core.deploysettings import (DeploySettings, bucket_problem, endpoint_problem, parse_settings,
                                         prefix_problem, region_problem)
from newsgen.core.errors import UsageError
from newsgen.core.options import CONFIG_FILE
from newsgen.core.yamldoc import load_mapping
from newsgen.io.sources import read_config_text

__all__ = ["DeploySettings", "Target", "load_settings", "parse_settings", "target"]


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
    text = read_config_text(site_dir)
    site = parse_config(text)
    root, _ = load_mapping(text, CONFIG_FILE)  # parse_config has reported its problems
    return site.base_url, parse_settings(root)
