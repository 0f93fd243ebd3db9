"""``newsgen next``: the next instant at which the output changes with no source changed
(`newsgen.core.timeline`). From the last build's state when nothing changed since (the
command line asks `newsgen.incremental.noop.known_clock` first, without the engine);
else the sources are read, with the parse cache's articles where their files did not
change. The cache itself is left as it is."""
from __future__ import annotations

import contextlib
from datetime import datetime

from newsgen.core.options import BuildOptions
from newsgen.core.timeline import clock
from newsgen.incremental.checkout import scan_as_built
from newsgen.incremental.errors import CacheError
from newsgen.incremental.inputs import read_inputs
from newsgen.incremental.noop import known_clock
from newsgen.incremental.parsecache import ParseCache
from newsgen.incremental.cacheindex import Index
from newsgen.incremental.store import BuildCache
from newsgen.io.images import ImageSources


def next_change(options: BuildOptions) -> datetime | None:
    """The next instant after ``options.now`` at which a build of the unchanged sources
    would write something else, or None when none is coming."""
    scanned = scan_as_built(options.cache, options.site_dir)
    known = known_clock(options, scanned)
    if known is not None:
        return known[1]
    index = Index()
    if options.cache is not None:
        with contextlib.suppress(CacheError, OSError):
            index = BuildCache(options.cache).load_index()
    cache = ParseCache(index.articles, None, options.jobs, context=index.parse_context, signatures=index.signatures)
    inputs = read_inputs(options, cache, ImageSources(index.images, options.jobs), scanned.sources)
    return clock(inputs.articles, options.now, drafts=options.drafts)[1]
