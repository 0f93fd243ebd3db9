"""The XMP packet written into every published copy of a photo: who to credit, the caption
and the copyright notice, as the IPTC Photo Metadata Standard names them in XMP; and what a
source file's own metadata says (its caption and copyright notice, kept; whether it holds a
position, never published).

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
from typing import Any

from newsgen.core.pictures import PhotoText

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
MAX_CHARS = 2000
MAX_XMP = 1 << 20
"""A source's XMP packet longer than this is not read for its text (agencies write a few KB)."""
GPS_IFD = 0x8825
IPTC_CAPTION, IPTC_RIGHTS = (2, 120), (2, 116)
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


def embedded_text(image: Any) -> tuple[str, str]:
    """The caption and copyright notice a source file carries: XMP (``dc:description``,
    ``dc:rights``) first, then the legacy IPTC block of a JPEG (Caption-Abstract, Copyright
    Notice); empty when it carries none or cannot be read."""
    caption = rights = ""
    packet = _xmp(image)
    if packet:
        try:
            root = ET.fromstring(packet)
        except ET.ParseError:
            root = None
        if root is not None:
            caption, rights = (_alt_text(root, name) for name in ("description", "rights"))
    if not (caption and rights) and image.format == "JPEG":
        from PIL import IptcImagePlugin

        try:
            iptc = IptcImagePlugin.getiptcinfo(image) or {}
        except (OSError, SyntaxError, ValueError, IndexError, TypeError):
            iptc = {}
        caption = caption or _iptc_text(iptc.get(IPTC_CAPTION))
        rights = rights or _iptc_text(iptc.get(IPTC_RIGHTS))
    return caption, rights


def has_position(image: Any) -> bool:
    """Whether the file's metadata holds a place: an EXIF GPS block with any tag, or XMP's
    ``exif:GPSLatitude``/``GPSLongitude``."""
    try:
        if image.getexif().get_ifd(GPS_IFD):
            return True
    except (OSError, SyntaxError, ValueError, IndexError, TypeError, KeyError):
        return True  # a block we cannot read may hold one: never publish it as it is
    packet = _xmp(image)
    return bool(packet) and (b"GPSLatitude" in packet or b"GPSLongitude" in packet)


def _xmp(image: Any) -> bytes:
    info = image.info
    packet = info.get("xmp") or info.get("XML:com.adobe.xmp") or b""
    if isinstance(packet, str):
        packet = packet.encode("utf-8", "replace")
    return packet if isinstance(packet, bytes) and len(packet) <= MAX_XMP else b""


def _alt_text(root: ET.Element, name: str) -> str:
    """The default-language text of ``dc:<name>`` (an ``rdf:Alt``), or its plain text."""
    for element in root.iter(_q("dc", name)):
        items = list(element.iter(_q("rdf", "li")))
        chosen = next((li for li in items if li.get(XML_LANG) == "x-default"), items[0] if items else element)
        text = "".join(chosen.itertext()).strip()
        if text:
            return _clean(text)
    return ""


def _iptc_text(value: object) -> str:
    if isinstance(value, list):
        value = value[0] if value else b""
    if not isinstance(value, bytes):
        return ""
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        text = value.decode("latin-1")  # IIM before its UTF-8 marker: ISO 8859-1 by convention
    return _clean(text.strip().rstrip("\x00"))
