"""``publisher:`` in newsgen.yaml: the newspaper the section belongs to.

```yaml
publisher:
  name: Diário Exemplo                  # the registered publication name (Publisher Center)
  url: https://www.diario-exemplo.pt/   # its own site, when not this one
  logo: images/logo.png                 # a wide logo, PNG/JPEG/WebP
  favicon: images/favicon.png           # a square icon, 192 px or more
  favicon_svg: images/favicon.svg       # optional
  same_as: ["https://pt.wikipedia.org/wiki/…"]
  publishing_principles: estatuto-editorial          # a page of content/paginas/…
  corrections_policy: estatuto-editorial#correcoes   # …with a fragment…
  masthead: ficha-tecnica
  ownership_funding_info: https://…                  # …or an https address
footer: [estatuto-editorial, ficha-tecnica, correcoes]
correction_box: end                     # or top
```

The name feeds ``news:name``, the JSON-LD publisher, ``og:site_name`` and the feeds; the
site's ``title`` stays the section's name. Which pages and files these name exist is
checked once the pages are read (`newsgen.incremental.inputs`), at the line given here.
"""
from __future__ import annotations

from typing import NamedTuple

from newsgen.core import urls
from newsgen.core.errors import Problem, did_you_mean
from newsgen.core.yamldoc import Fields, Map, Scalar, describe

POLICIES = {
    "publishing_principles": "publishingPrinciples",
    "corrections_policy": "correctionsPolicy",
    "ownership_funding_info": "ownershipFundingInfo",
    "masthead": "masthead",
    "ethics_policy": "ethicsPolicy",
    "diversity_policy": "diversityPolicy",
    "actionable_feedback_policy": "actionableFeedbackPolicy",
    "verification_fact_checking_policy": "verificationFactCheckingPolicy",
    "unnamed_sources_policy": "unnamedSourcesPolicy",
    "no_bylines_policy": "noBylinesPolicy",
}
"""Each policy key and the schema.org ``NewsMediaOrganization`` property it fills."""
KEYS = ("name", "url", "logo", "favicon", "favicon_svg", "same_as", *POLICIES)
CORRECTIONS_PAGE = "correcoes"
"""The list of every correction (`newsgen.core.urls.CORRECTIONS`), which ``footer`` may name too."""
CORRECTION_BOXES = ("end", "top")


class Publisher(NamedTuple):
    name: str
    url: str = ""
    """The organisation's own site; ``""``: the site's ``base_url``."""
    logo: str = ""
    """The logo's file as written (a site path once checked)."""
    favicon: str = ""
    favicon_svg: str = ""
    same_as: tuple[str, ...] = ()
    policies: tuple[tuple[str, str], ...] = ()
    """(schema.org property, target): a page slug, with a ``#fragment`` or not, or an https URL."""


def target_slug(target: str) -> str | None:
    """The page a policy *target* names (``ficha-tecnica#propriedade`` → ``ficha-tecnica``),
    or None for an address."""
    return None if target.startswith("https://") else target.partition("#")[0]


def target_path(target: str) -> str:
    """The site path (and fragment) of a page *target*: ``ficha-tecnica/#propriedade``."""
    slug, hash_, fragment = target.partition("#")
    return urls.standalone_path(slug) + hash_ + fragment


class PublisherReader(Fields):
    """Reads ``publisher``, ``footer`` and ``correction_box``; notes the line of each value
    that names a file or a page (`lines`), for the checks made once those are known."""

    def __init__(self, path: str, problems: list[Problem]) -> None:
        super().__init__(path, problems)
        self.lines: dict[str, int] = {}

    def publisher(self, root: Map) -> Publisher | None:
        entry = root.get("publisher")
        if entry is None or (isinstance(entry.value, Scalar) and entry.value.is_null):
            return None
        table = entry.value
        if not isinstance(table, Map):
            self.problem(entry.line, f"'publisher' must be fields such as 'name: Diário Exemplo', not {describe(table)}")
            return None
        for key, item in table.entries.items():
            if key not in KEYS:
                self.problem(item.line, f"unknown key '{key}' in 'publisher'{did_you_mean(key, KEYS)}")
            else:
                self.lines[f"publisher.{key}"] = item.line
        name = self.text(table, "name", required=True)
        url = self.text(table, "url")
        if url:
            try:
                url = urls.normalized_base_url(url)
            except ValueError:
                self.problem(table.entries["url"].line, f"the publisher's 'url' must be an absolute http(s) URL, not {url!r}")
        same_as = tuple(self._addresses(table, "same_as"))
        policies = []
        for key, prop in POLICIES.items():
            target = self.text(table, key)
            if target and not (target.startswith("https://") or urls.is_slug(target.partition("#")[0])):
                self.problem(table.entries[key].line, f"'{key}' names a page of content/paginas/ (its file name, "
                                                      f"e.g. estatuto-editorial) or an https:// address, not {target!r}")
            elif target:
                policies.append((prop, urls.encoded_url(target)))
        logo, favicon, svg = (self.text(table, key) for key in ("logo", "favicon", "favicon_svg"))
        return Publisher(name, url, logo, favicon, svg, same_as, tuple(policies))

    def _addresses(self, table: Map, key: str) -> list[str]:
        found = []
        for item in self.items(table, key):
            link = " ".join(item.text.split()) if isinstance(item, Scalar) and not item.is_null else ""
            if link.startswith("https://"):
                found.append(urls.encoded_url(link))
            else:
                self.problem(item.line, f"'{key}' lists https:// addresses, not {link or describe(item)!r}")
        return found

    def footer(self, root: Map) -> tuple[str, ...]:
        slugs = []
        for item in self.items(root, "footer"):
            slug = item.text.strip() if isinstance(item, Scalar) and not item.is_null else ""
            if not urls.is_slug(slug):
                self.problem(item.line, f"'footer' lists pages of content/paginas/ by file name (or {CORRECTIONS_PAGE}), "
                                        f"not {slug or describe(item)!r}")
                continue
            self.lines.setdefault(f"footer:{slug}", item.line)
            slugs.append(slug)
        return tuple(dict.fromkeys(slugs))

    def correction_box(self, root: Map) -> str:
        value = self.text(root, "correction_box", default="end")
        if value not in CORRECTION_BOXES:
            self.problem(root.entries["correction_box"].line, f"'correction_box' is end or top, not {value!r}")
            return "end"
        return value
