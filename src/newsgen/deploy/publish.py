"""One deploy: read the target, compare the output with the bucket, upload what differs in
order, delete what went, remember, and tell which URLs to purge.

The bucket is never claimed to hold what it does not: the pending list goes up before the
first change, the manifest only after the last, so a deploy stopped at any point (a network
failure, Ctrl-C, a killed runner) is finished by the next one.
"""
from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Coroutine, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from newsgen.core.errors import UsageError
from newsgen.core.options import DEPLOY_JOBS as DEFAULT_JOBS
from newsgen.deploy.changes import build_hashes
from newsgen.deploy.credentials import find_credentials
from newsgen.deploy.local import LocalFile, read_checked, scan_output
from newsgen.deploy.manifest import (MANIFEST, MANIFEST_HEADERS, PENDING, PENDING_HEADERS, dump_manifest,
                                     dump_pending, load_manifest, load_pending)
from newsgen.deploy.plan import Plan, make_plan, purge_urls, remembered, remote_state
from newsgen.deploy.purge import command, run_hook
from newsgen.deploy.settings import Target, load_settings, target
from newsgen.deploy.store import Bucket
from newsgen.io.layout import CACHE_DIR
from newsgen.io.lock import cut_short


@dataclass(frozen=True)
class DeployOptions:
    site_dir: Path
    output: Path
    bucket: str | None = None
    """The command line's overrides of newsgen.yaml's ``deploy:`` (None: not given)."""
    prefix: str | None = None
    endpoint: str | None = None
    region: str | None = None
    dry_run: bool = False
    trust_manifest: bool = False
    """Skip the listing that checks the manifest against the bucket (quicker for a big site)."""
    jobs: int = DEFAULT_JOBS
    """Requests in flight."""
    changes: Path | None = None
    """The build's change manifest (``newsgen build --changes FILE``): its hashes spare
    reading the whole output, when it describes this output."""
    environ: Mapping[str, str] = field(default_factory=dict, repr=False)
    """Where credentials and the region are looked for (the CLI passes ``os.environ``)."""
    home: Path = Path("~")


@dataclass(frozen=True)
class DeployResult:
    target: Target
    plan: Plan
    urls: tuple[str, ...]
    """The public URLs of the changed and deleted objects, for a CDN to purge."""
    seconds: float


def deploy(options: DeployOptions, out: TextIO, err: TextIO, quiet: bool = False) -> DeployResult:
    """Deploy the output folder; the URLs to purge go to *out*, one a line, everything else
    to *err* (only problems when *quiet*); then run the purge hook, if any."""
    started = time.perf_counter()
    base_url, settings = load_settings(options.site_dir)
    where = target(settings, options.bucket, options.prefix, options.endpoint, options.region)
    hook = command(settings.purge_hook, options.site_dir) if settings.purge_hook else None
    why = cut_short(options.site_dir / CACHE_DIR)
    if why:
        raise UsageError(message=f"refusing to deploy {os.path.relpath(options.output)}: {why}; run newsgen build first")
    known = build_hashes(options.changes, options.output, err) if options.changes is not None else None
    local = scan_output(options.output, settings.cache_rules, known)
    plan = _run(_deploy(options, where, local, err if options.dry_run and not quiet else None))
    urls = tuple(purge_urls(base_url, plan.purge_paths()))
    for url in urls:
        out.write(url + "\n")
    out.flush()
    seconds = time.perf_counter() - started
    if not quiet:
        err.write(_summary(where, plan, options.dry_run, seconds) + "\n")
    if hook and urls and not options.dry_run:
        run_hook(hook, urls, options.site_dir, err)
    return DeployResult(where, plan, urls, seconds)


async def _deploy(options: DeployOptions, where: Target, local: dict[str, LocalFile], listing_to: TextIO | None) -> Plan:
    environ = options.environ
    region = where.region or environ.get("AWS_REGION", "") or environ.get("AWS_DEFAULT_REGION", "")
    bucket = Bucket(where, find_credentials(environ, options.home.expanduser()), region, options.jobs)
    manifest_bytes, pending_bytes = await asyncio.gather(bucket.read(MANIFEST), bucket.read(PENDING),
                                                         return_exceptions=True)
    if isinstance(manifest_bytes, BaseException):  # the manifest's error first, whichever came back first
        raise manifest_bytes
    if isinstance(pending_bytes, BaseException):
        raise pending_bytes
    manifest = load_manifest(manifest_bytes) if manifest_bytes is not None else None
    pending = load_pending(pending_bytes) if pending_bytes is not None else frozenset()
    trusted = options.trust_manifest and manifest is not None and pending is not None
    listing = None if trusted else await bucket.listing()
    remote = remote_state(manifest, pending, listing)
    plan = make_plan(local, remote)
    if options.dry_run:
        if listing_to is not None:
            _list_plan(plan, listing_to)
        return plan
    changing = {f.path for f in plan.uploads} | set(plan.deletions)
    if changing:
        await bucket.put(PENDING, dump_pending(changing), PENDING_HEADERS)
    etags: dict[str, str] = {}
    for wave in plan.waves:
        etags.update(await bucket.put_all((f.path, partial(read_checked, f), f.headers) for f in wave))
    await bucket.delete(plan.deletions)
    written = dump_manifest(remembered(local, remote, etags, listing))
    if changing or pending_bytes is not None or written != manifest_bytes:
        await bucket.put(MANIFEST, written, MANIFEST_HEADERS)
    if changing or pending_bytes is not None:
        await bucket.delete([PENDING])
    return plan


def _run(work: Coroutine[Any, Any, Plan]) -> Plan:
    """Run the deploy's event loop; in a thread of its own when this thread already runs
    one (a notebook, or Playwright's sync API earlier in the test suite)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, work).result()


def _list_plan(plan: Plan, err: TextIO) -> None:
    for file in plan.uploads:
        state = "new" if file.path in plan.new else "changed"
        headers = " · ".join(filter(None, file.headers))
        err.write(f"would upload {file.path} ({state}) · {headers}\n")
    for path in plan.deletions:
        err.write(f"would delete {path}\n")


def _summary(where: Target, plan: Plan, dry_run: bool, seconds: float) -> str:
    uploads, new, deletions = len(plan.uploads), len(plan.new), len(plan.deletions)
    if dry_run:
        return (f"dry run for {where}: {uploads:,} object{'s' * (uploads != 1)} to upload ({new:,} new), {deletions:,} to delete, "
                f"{plan.unchanged:,} unchanged; nothing was changed")
    return (f"deployed to {where}: {uploads:,} uploaded ({new:,} new), {deletions:,} deleted, "
            f"{plan.unchanged:,} unchanged · {seconds:.2f} s")
