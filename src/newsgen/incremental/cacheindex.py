"""The build cache's index: what the last build read and wrote, besides the plan
(`newsgen.incremental.store` saves it; `newsgen.incremental.indexdelta` saves what an edit
or an addition changed of it)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from newsgen.io.fileid import Signature

if TYPE_CHECKING:
    from newsgen.core.pictures import Source
    from newsgen.incremental.memory import PlanKeys
    from newsgen.incremental.parsecache import Entry


@dataclass
class Index:
    """The parsed articles (bodies aside) and the key of every output file, from the last build."""

    articles: dict[str, Entry] = field(default_factory=dict)
    """Article path → its parse cache entry."""
    signatures: dict[str, Signature] = field(default_factory=dict)
    """Article path → its file's signature when last read (`ParseCache.signatures`)."""
    outputs: dict[str, str] = field(default_factory=dict)
    """Output file → the key it was made from."""
    output_token: str = ""
    """The output those keys describe: the token its marker names (`newsgen.io.layout`);
    an output whose marker names another describes nothing."""
    search: str = ""
    """The key of the search index in that output."""
    images: dict[str, tuple[Signature, Source]] = field(default_factory=dict)
    """Each image file's inspection (`newsgen.io.images.ImageSources`), by its path and signature."""
    plan: PlanKeys | None = None
    """What a quick re-plan may change of that build's plan; the rest is in ``plan``."""
    parse_context: str = ""
    """The context the articles' parse cache entries were all found under."""
    code: str = ""
    """newsgen's code that made the plan (`plan` is not trusted from another)."""
    digests: dict[str, tuple[Signature | None, str]] = field(default_factory=dict)
    """The SHA-256 of the files published as they are, by path and signature (`newsgen.io.digests`)."""
    generation: str = ""
    """Names this index as saved whole; ``index-delta`` names the one it changes
    (`newsgen.incremental.indexdelta`)."""
