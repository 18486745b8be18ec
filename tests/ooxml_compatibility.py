"""Office's optional markup set aside, as ECMA-376 Part 3 (markup compatibility) lets a consumer that
knows only the standard do: elements and attributes in the namespaces named in `mc:Ignorable` go
(keeping the content of those named in `mc:ProcessContent`), and each `mc:AlternateContent` becomes the
content of its `mc:Fallback`. Used by ooxml_schema.py before validating (test support)."""

from __future__ import annotations

from lxml import etree

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _understood(namespace: str) -> bool:
    """Namespaces a consumer of the transitional standard understands, which it never ignores."""
    return namespace.startswith(("http://schemas.openxmlformats.org/", "urn:schemas-microsoft-com:", "http://purl.org/"))


def _namespace(tag) -> str:
    return (etree.QName(tag).namespace or "") if isinstance(tag, str) else ""


def _ignorable(element: etree._Element, inherited: frozenset[str]) -> frozenset[str]:
    prefixes = element.get(f"{{{MC}}}Ignorable")
    if not prefixes:
        return inherited
    named = {element.nsmap.get(prefix) for prefix in prefixes.split()}
    return inherited | {ns for ns in named if ns and not _understood(ns)}


def _append_text(parent: etree._Element, index: int, text: str | None) -> None:
    """Add `text` to whatever text precedes position `index` of `parent`."""
    if not text:
        return
    if index == 0:
        parent.text = (parent.text or "") + text
    else:
        before = parent[index - 1]
        before.tail = (before.tail or "") + text


def _replace(element: etree._Element, content: etree._Element | None) -> None:
    """Put the children of `content` (None: nothing) where `element` was, keeping all text around them."""
    parent = element.getparent()
    index = parent.index(element)
    tail = element.tail
    parent.remove(element)
    children = list(content) if content is not None else []
    _append_text(parent, index, content.text if content is not None else None)
    for offset, child in enumerate(children):
        parent.insert(index + offset, child)
    _append_text(parent, index + len(children), tail)


def _stand_in(child: etree._Element, ignorable: frozenset[str], processed: frozenset[str]) -> tuple[bool, etree._Element | None]:
    """Whether `child` goes, and whose children take its place: the fallback of an alternative,
    nothing for ignorable markup, or its own children where its content is to be processed."""
    if child.tag == f"{{{MC}}}AlternateContent":
        return True, child.find(f"{{{MC}}}Fallback")
    if _namespace(child.tag) not in ignorable:
        return False, None
    name = f"{child.prefix}:{etree.QName(child).localname}"
    return True, child if name in processed or f"{child.prefix}:*" in processed else None


def set_aside_optional_markup(
    element: etree._Element, inherited: frozenset[str] = frozenset(), processed: frozenset[str] = frozenset()
) -> None:
    """Remove, in place, what ECMA-376 Part 3 (markup compatibility) lets a consumer that knows only
    the standard ignore. The root element itself is kept. `inherited` and `processed` are the ignorable
    namespaces and the `mc:ProcessContent` names declared by the ancestors."""
    ignorable = _ignorable(element, inherited)
    processed = processed | set((element.get(f"{{{MC}}}ProcessContent") or "").split())
    for name in list(element.attrib):
        if _namespace(name) in ignorable or _namespace(name) == MC:
            del element.attrib[name]
    index = 0
    while index < len(element):
        child = element[index]
        goes, content = _stand_in(child, ignorable, processed) if isinstance(child.tag, str) else (False, None)
        if goes:
            _replace(child, content)  # what took its place is looked at in turn
            continue
        if isinstance(child.tag, str):
            set_aside_optional_markup(child, ignorable, processed)
        index += 1
