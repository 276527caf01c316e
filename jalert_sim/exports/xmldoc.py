"""XML documents of the exports (KML, CAP, the Atom feed): building and serialising them."""

from __future__ import annotations

from xml.etree import ElementTree as ET


def sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    """A new child ``tag`` of ``parent``, with ``text`` and attributes if given."""
    el = ET.SubElement(parent, tag, attrib)
    if text is not None:
        el.text = text
    return el


def to_xml(root: ET.Element, namespaces: dict[str, str] | None = None) -> str:
    """Serialise with the given prefix → URI mapping ('' = default namespace): an XML
    declaration, the indented document, a final newline."""
    for prefix, uri in (namespaces or {}).items():
        ET.register_namespace(prefix, uri)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
