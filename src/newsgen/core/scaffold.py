"""The text of a new article file, as ``newsgen new`` writes it: valid, and a draft."""
from __future__ import annotations

import json
from datetime import datetime

from newsgen.core import urls
from newsgen.core.parse import PLACEHOLDER_BODY, PLACEHOLDER_STANDFIRST


def article_text(headline: str, section: str, hashtags: list[str], now: datetime) -> str:
    """Front matter stamped with *now* (with its offset, so it is never ambiguous) and a
    body to replace. It is a draft: the build skips it until ``draft: false``."""
    quoted = [json.dumps(tag, ensure_ascii=False) for tag in hashtags]
    return (
        "---\n"
        f"headline: {json.dumps(headline, ensure_ascii=False)}\n"
        f"standfirst: {json.dumps(PLACEHOLDER_STANDFIRST, ensure_ascii=False)}\n"
        f"section: {section}\n"
        f"timestamp: {now.isoformat(timespec='minutes')}\n"
        f"hashtags: [{', '.join(quoted)}]\n"
        "byline: \"\"\n"
        "draft: true\n"
        "---\n"
        f"{PLACEHOLDER_BODY}\n"
    )


def article_file(headline: str, section: str, now: datetime) -> str:
    """``content/<section>/<YYYY>-<MM>-<DD>-<slug>.md``."""
    return f"content/{section}/{now.date().isoformat()}-{urls.slug_from_text(headline)}.md"
