"""The narrative's rich text: an allow-list sanitiser and the reading of its citations.

Section bodies come from CKEditor in the browser, so the server never trusts them: everything outside the
allow-list (scripts, event handlers, styles, foreign attributes and URL schemes) is removed before saving."""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser

import nh3

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "ul", "ol", "li", "blockquote", "a", "span",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "class", "data-event"},
    "span": {"class"},
    "ol": {"start"},
}
CITATION_CLASS = "citation"
EVENT_ID = re.compile(r"^\d{1,12}$")


def _filter_attribute(element: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        return CITATION_CLASS if value.strip() == CITATION_CLASS and element == "a" else None
    if attribute == "data-event":
        return value if EVENT_ID.match(value) else None
    if attribute == "start":
        return value if value.isdigit() and len(value) < 6 else None
    return value


def sanitize_html(html: str) -> str:
    """The body with only the allowed structure left: safe to store and to render as HTML."""
    return nh3.clean(
        html or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_filter_attribute,
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


class _CitationReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[dict] = []
        self._block: dict | None = None
        self.cited: list[int] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"p", "li", "blockquote", "h2", "h3", "h4"} and self._block is None:
            self._block = {"tag": tag, "text": "", "citations": []}
        if tag == "a":
            attributes = dict(attrs)
            event = attributes.get("data-event") or ""
            if CITATION_CLASS in (attributes.get("class") or "").split() and EVENT_ID.match(event):
                self.cited.append(int(event))
                if self._block is not None:
                    self._block["citations"].append(int(event))

    def handle_endtag(self, tag):
        if self._block is not None and tag == self._block["tag"]:
            self.paragraphs.append(self._block)
            self._block = None

    def handle_data(self, data):
        if self._block is not None:
            self._block["text"] += data


def cited_event_ids(html: str) -> list[int]:
    """Event ids the text cites, in order of first citation."""
    reader = _CitationReader()
    reader.feed(html or "")
    return list(dict.fromkeys(reader.cited))


def uncited_paragraphs(html: str) -> list[str]:
    """The text of each paragraph (or list item) that states something but cites no record."""
    reader = _CitationReader()
    reader.feed(html or "")
    return [
        " ".join(block["text"].split())
        for block in reader.paragraphs
        if block["tag"] in {"p", "li"} and not block["citations"] and len(block["text"].split()) >= 4
    ]


def citation_link(*, event_id: int, href: str, label: str) -> str:
    """The stored form of a citation: a reference to the event, whose label is recomputed at export."""
    return f'<a class="{CITATION_CLASS}" data-event="{int(event_id)}" href="{escape(href)}">{escape(label)}</a>'


_CITATION_LINK = re.compile(r"<a\b(?P<attrs>[^>]*)>(?P<label>.*?)</a>", re.S)
_DATA_EVENT = re.compile(r'\bdata-event="(\d{1,12})"')
_CITATION_CLASS = re.compile(r'\bclass="citation"')


def citations_as_placeholders(html: str) -> str:
    """The stored citation links as the exporter's placeholders, whose text is computed at export:
    <a class="citation" data-event="7" href="...">(label)</a> -> <span class="citation" data-event="7"></span>."""

    def replace(match: re.Match) -> str:
        attrs = match["attrs"]
        event = _DATA_EVENT.search(attrs)
        if not event or not _CITATION_CLASS.search(attrs):
            return match.group(0)
        return f'<span class="citation" data-event="{event.group(1)}"></span>'

    return _CITATION_LINK.sub(replace, html or "")
