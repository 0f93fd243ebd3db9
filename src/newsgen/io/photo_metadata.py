"""The XMP packet written into every published copy of a photo: who to credit, the caption
and the copyright notice, as the IPTC Photo Metadata Standard names them in XMP.

- credit → ``photoshop:Credit`` (IPTC "Credit Line": "KCNA via KNS/AP");
- caption → ``dc:description`` (IPTC "Description");
- rights → ``dc:rights`` (IPTC "Copyright Notice").

No ``dc:creator``: a credit line names an agency, not the photographer. No legacy IPTC-IIM
block (JPEG APP13) either: the readers that read IIM (Photoshop, Lightroom, exiftool,
Google Images) read XMP too, and IIM's 32-byte Credit field would cut longer credits, so
the two would disagree. Built with ElementTree, so every character is escaped; characters
XML cannot hold at all (controls) are dropped.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from newsgen.core.pictures import PhotoText

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MAX_CHARS = 2000
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
for _prefix, _uri in NS.items():
    ET.register_namespace(_prefix, _uri)


def xmp_packet(text: PhotoText) -> bytes:
    """A complete XMP packet (``<?xpacket …?>`` included), UTF-8; empty when there is no text."""
    if not (text.credit or text.caption or text.rights):
        return b""
    meta = ET.Element(_q("x", "xmpmeta"))
    rdf = ET.SubElement(meta, _q("rdf", "RDF"))
    about = ET.SubElement(rdf, _q("rdf", "Description"), {_q("rdf", "about"): ""})
    for name, value in (("description", text.caption), ("rights", text.rights)):
        if value:
            alt = ET.SubElement(ET.SubElement(about, _q("dc", name)), _q("rdf", "Alt"))
            ET.SubElement(alt, _q("rdf", "li"), {XML_LANG: "x-default"}).text = _clean(value)
    if text.credit:
        ET.SubElement(about, _q("photoshop", "Credit")).text = _clean(text.credit)
    body = ET.tostring(meta, encoding="unicode")
    return f'<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>{body}<?xpacket end="r"?>'.encode()


def _q(prefix: str, name: str) -> str:
    return f"{{{NS[prefix]}}}{name}"


def _clean(value: str) -> str:
    """*value* without what XML cannot hold, at most 2,000 characters (IPTC's caption limit;
    a JPEG's XMP segment holds 64 KB in all)."""
    return _NOT_XML.sub("", value)[:MAX_CHARS]
