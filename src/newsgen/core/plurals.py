"""The other number of Portuguese words in -ão, for the search index.

Pagefind stems Portuguese with Snowball, which brings «cidadão» and «cidadãos», «alemão»
and «alemães» to one stem but keeps «eleição» (``eleiçã``) and «eleições» (``eleiçõ``)
apart, and so sanção, região, decisão, comissão, milhão and every -ção word. An article
page therefore carries, hidden and read only by the indexer, the other form of each such
word of its text (`other_forms`): a search for either number finds it.
"""
from __future__ import annotations

import html
import re

_WORDS = re.compile(r"\w+")
_TAGS = re.compile(r"<[^>]+>")
_ENDINGS = ("ão", "ões")
COMMON = frozenset({"não", "são", "estão", "então", "tão", "vão", "dão", "hão", "irão", "serão", "terão"})
"""Words in -ão with no plural in -ões that almost every article holds: no use to anyone."""


def other_forms(*texts: str) -> tuple[str, ...]:
    """The singular of each plural in -ões and the -ões plural of each singular in -ão in
    *texts* (plain text or HTML), lower-case, that the texts do not hold themselves, in
    order of first use. (-ãos and -ães plurals already share the singular's stem.)"""
    text = html.unescape(_TAGS.sub(" ", " ".join(texts))).lower()
    if "ão" not in text and "ões" not in text:
        return ()
    # Words by a C-speed regex, then their endings: a regex for whole -ão words with
    # Unicode \w backtracks at every letter (a tenth of a cold build).
    words = dict.fromkeys(w for w in _WORDS.findall(text) if w[-1] in "os" and w.endswith(_ENDINGS))
    found: dict[str, None] = {}
    for word in words:
        if word in COMMON:
            continue
        other = word[:-3] + "ão" if word.endswith("ões") else word[:-2] + "ões"
        if other not in words:
            found[other] = None
    return tuple(found)
