"""The narrative's rich text: what a section may store, how it cites the timeline, and the one reading of both.

Section bodies come from CKEditor in the browser, so the server never trusts them: everything outside the
allow-list (scripts, event handlers, styles, foreign attributes and URL schemes) is removed before saving.

A citation has one markup, stored in the body: `<a class="citation" data-event="7" href="...">(label)</a>`, a link
to the event it cites whose label is only the editor's preview. `parse_html_blocks` is the one reader of a body:
it gives the blocks and runs below (pure values), with each citation a `CitationRun` whose `cites` are filled by
whoever resolves it (an export: its exhibits, pages and Bates numbers; the label is never printed). The editor's
warnings (`cited_event_ids`, `uncited_paragraphs`) read the same blocks.

Parsing uses the standard library's `html.parser`: it never fetches or executes anything, and it accepts malformed
input (unclosed or stray tags, text outside any paragraph) without raising. Tags it does not know are transparent
(their text is kept); the contents of script, style and similar elements are dropped.

Pure Python apart from the sanitiser (nh3): no Django, no database."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from typing import Any

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
EVENT_ID = re.compile(r"^\d{1,12}$")  # an event id as stored: digits only


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


def citation_link(*, event_id: int, href: str, label: str) -> str:
    """The stored form of a citation: a reference to the event, whose label is recomputed at export."""
    return f'<a class="{CITATION_CLASS}" data-event="{int(event_id)}" href="{escape(href)}">{escape(label)}</a>'


# The blocks and runs of a section (an export renders these; exports.document adds the filing around them) -------


@dataclass(frozen=True, slots=True)
class TextRun:
    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False


@dataclass(frozen=True, slots=True)
class LineBreak:
    """A hard line break inside a block (the editor's <br>)."""


@dataclass(frozen=True, slots=True)
class Cite:
    """One exhibit a citation resolves to, as a filing prints it: its letter, description, the cited record pages
    and their Bates labels, if known."""

    exhibit: str  # "C"
    description: str  # "Brennan County School Records"
    pages: tuple[int, ...] = ()  # 1-based page numbers of the record
    bates: tuple[str, ...] = ()  # "ASHBY-000123", one per cited page when the packet is numbered


@dataclass(frozen=True, slots=True)
class CitationRun:
    """A citation of a timeline event; `cites` is what it was resolved to (empty when nobody resolved it, or when
    its event no longer exists, or when the markup names no event: `event_id` None)."""

    event_id: int | None
    cites: tuple[Cite, ...] = ()
    repeats_previous: bool = False  # cites exactly what the citation before it cites: printed "Id."


Run = TextRun | LineBreak | CitationRun


@dataclass(frozen=True, slots=True)
class Paragraph:
    runs: tuple[Run, ...]


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading inside a section; section titles are level 1, the editor's h2 is 2, h3 and h4 are 3."""

    level: int
    runs: tuple[Run, ...]


@dataclass(frozen=True, slots=True)
class ListItem:
    runs: tuple[Run, ...]
    children: tuple[ListBlock, ...] = ()  # nested lists, one level deeper


@dataclass(frozen=True, slots=True)
class ListBlock:
    ordered: bool
    items: tuple[ListItem, ...]


@dataclass(frozen=True, slots=True)
class BlockQuote:
    """A quotation set off from the text: single-spaced and indented in both formats."""

    paragraphs: tuple[Paragraph, ...]


Block = Paragraph | Heading | ListBlock | BlockQuote


# Reading a body ------------------------------------------------------------------------------------------

# What a resolver returns for one cited event: Cite values or plain tuples
# (exhibit letter, description, page numbers[, bates labels]).
CitedSource = Cite | tuple[Any, ...]
CitationResolver = Callable[[int], Iterable[CitedSource]]

_SKIPPED = {
    "script",
    "style",
    "template",
    "noscript",
    "iframe",
    "object",
    "embed",
    "head",
    "title",
    "svg",
    "math",
}
_BLOCKS = {"p", "div", "section", "article", "figure", "figcaption", "pre", "address", "header", "footer"}
_HEADING_LEVELS = {"h1": 2, "h2": 2, "h3": 3, "h4": 3, "h5": 3, "h6": 3}
_BOLD = {"strong", "b"}
_ITALIC = {"em", "i", "cite", "var"}
_UNDERLINE = {"u", "ins"}
_WHITESPACE = re.compile(r"[ \t\n\r\f\v\u00a0]+")


def parse_html_blocks(html: str, *, resolve_citation: CitationResolver | None = None) -> tuple[Block, ...]:
    """The blocks of one section body; citations are resolved with `resolve_citation(event_id)`."""
    parser = _BlockParser(resolve_citation)
    parser.feed(html or "")
    parser.close()
    return parser.finish()


def citation_event(tag: str, attrs: list[tuple[str, str | None]]) -> int | None | bool:
    """The one reading of the citation markup: False for a tag that is not a citation; for a citation, the event it
    cites, or None when its data-event is missing or not a number (it prints as a missing citation)."""
    if tag != "a":
        return False
    attributes = dict(attrs)
    if CITATION_CLASS not in (attributes.get("class") or "").split():
        return False
    raw = (attributes.get("data-event") or "").strip()
    return int(raw) if EVENT_ID.match(raw) else None


def _to_cite(source: CitedSource) -> Cite:
    if isinstance(source, Cite):
        return source
    letter, description, pages, *rest = source
    bates = tuple(str(label) for label in rest[0]) if rest and rest[0] else ()
    return Cite(str(letter), str(description), tuple(int(page) for page in pages or ()), bates)


@dataclass
class _ItemBuilder:
    runs: list[Run] = field(default_factory=list)
    children: list[_ListBuilder] = field(default_factory=list)

    def build(self) -> ListItem:
        return ListItem(_trim(self.runs), tuple(child.build() for child in self.children))


@dataclass
class _ListBuilder:
    ordered: bool
    items: list[_ItemBuilder] = field(default_factory=list)

    def build(self) -> ListBlock:
        return ListBlock(self.ordered, tuple(item.build() for item in self.items))


class _BlockParser(HTMLParser):
    def __init__(self, resolve_citation: CitationResolver | None) -> None:
        super().__init__(convert_charrefs=True)
        self._resolve = resolve_citation
        self._blocks: list[Block] = []
        self._runs: list[Run] = []
        self._heading_level = 0  # 0: the runs make a paragraph
        self._bold = self._italic = self._underline = 0
        self._lists: list[_ListBuilder] = []
        self._quote_depth = 0
        self._quote: list[Paragraph] = []
        self._skip_depth = 0
        self._skip_tag = ""
        self._citation_depth = 0  # inside a citation's label: its text is the editor's, not the filing's

    # The parser's callbacks ---------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_depth:
            if tag == self._skip_tag:
                self._skip_depth += 1
            return
        if self._citation_depth:
            if tag == "a":
                self._citation_depth += 1
                return
            if not _inline(tag):
                self._citation_depth = 0  # an unclosed citation must not swallow the text after it
            else:
                return
        cited = citation_event(tag, attrs)
        if tag in _SKIPPED:
            self._skip_tag, self._skip_depth = tag, 1
        elif cited is not False:
            self._add_citation(cited)
            self._citation_depth = 1
        elif tag in _BLOCKS or tag in ("tr", "hr"):
            self._flush()
            self._heading_level = 0
        elif tag in _HEADING_LEVELS:
            self._flush()
            self._heading_level = _HEADING_LEVELS[tag]
        elif tag in ("ul", "ol"):
            self._open_list(ordered=tag == "ol")
        elif tag == "li":
            self._flush()
            if not self._lists:
                self._open_list(ordered=False)
            self._lists[-1].items.append(_ItemBuilder())
        elif tag == "blockquote":
            self._flush()
            self._quote_depth += 1
        elif tag == "br":
            self._runs.append(LineBreak())
        elif tag in ("td", "th"):
            if any(isinstance(run, TextRun) and run.text.strip() for run in self._runs):
                self._add_text(" ")
        else:
            self._format(tag, +1)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        cited = citation_event(tag, attrs)
        if cited is not False:
            if not self._skip_depth and not self._citation_depth:
                self._add_citation(cited)
        elif tag not in _SKIPPED:
            self.handle_starttag(tag, attrs)
            if tag not in ("br", "hr", "li", "ul", "ol", "blockquote") and tag not in _BLOCKS:
                self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._skip_depth:
            if tag == self._skip_tag:
                self._skip_depth -= 1
            return
        if self._citation_depth:
            if tag == "a":
                self._citation_depth -= 1
                return
            if not _inline(tag):
                self._citation_depth = 0
            else:
                return
        if tag in _BLOCKS or tag in _HEADING_LEVELS or tag in ("tr", "li"):
            self._flush()
            self._heading_level = 0
        elif tag in ("ul", "ol"):
            self._close_list()
        elif tag == "blockquote":
            self._flush()
            if self._quote_depth:
                self._quote_depth -= 1
                if not self._quote_depth:
                    self._close_quote()
        else:
            self._format(tag, -1)

    def handle_data(self, data: str) -> None:
        if self._skip_depth or self._citation_depth:
            return
        self._add_text(data)

    def finish(self) -> tuple[Block, ...]:
        """Close whatever the HTML left open and return the blocks."""
        self._flush()
        while self._lists:
            self._close_list()
        if self._quote_depth:
            self._quote_depth = 0
            self._close_quote()
        return tuple(self._blocks)

    # Building ----------------------------------------------------------------------------------

    def _format(self, tag: str, step: int) -> None:
        if tag in _BOLD:
            self._bold = max(0, self._bold + step)
        elif tag in _ITALIC:
            self._italic = max(0, self._italic + step)
        elif tag in _UNDERLINE:
            self._underline = max(0, self._underline + step)

    def _add_text(self, data: str) -> None:
        text = _WHITESPACE.sub(" ", data)
        if not text:
            return
        previous = self._runs[-1] if self._runs else None
        if text.startswith(" ") and (
            previous is None
            or isinstance(previous, LineBreak)
            or (isinstance(previous, TextRun) and previous.text.endswith(" "))
        ):
            text = text[1:]
            if not text:
                return
        run = TextRun(text, bool(self._bold), bool(self._italic), bool(self._underline))
        if isinstance(previous, TextRun) and (previous.bold, previous.italic, previous.underline) == (
            run.bold,
            run.italic,
            run.underline,
        ):
            self._runs[-1] = TextRun(previous.text + text, run.bold, run.italic, run.underline)
        else:
            self._runs.append(run)

    def _add_citation(self, event_id: int | None) -> None:
        cites: tuple[Cite, ...] = ()
        if event_id is not None and self._resolve is not None:
            cites = tuple(_to_cite(source) for source in self._resolve(event_id) or ())
        self._runs.append(CitationRun(event_id, cites))

    def _flush(self) -> None:
        """Turn the pending runs into a block (or the current list item's text)."""
        runs = _trim(self._runs)
        self._runs = []
        if not _has_content(runs):
            return
        if self._lists:
            current = self._current_item()
            if current.runs:
                current.runs.append(LineBreak())
            current.runs.extend(runs)
        elif self._quote_depth:
            if self._heading_level:
                runs = tuple(
                    TextRun(r.text, True, r.italic, r.underline) if isinstance(r, TextRun) else r
                    for r in runs
                )
            self._quote.append(Paragraph(runs))
        elif self._heading_level:
            self._blocks.append(Heading(self._heading_level, runs))
        else:
            self._blocks.append(Paragraph(runs))

    def _current_item(self) -> _ItemBuilder:
        current = self._lists[-1]
        if not current.items:
            current.items.append(_ItemBuilder())
        return current.items[-1]

    def _open_list(self, *, ordered: bool) -> None:
        self._flush()
        new = _ListBuilder(ordered)
        if self._lists:
            self._current_item().children.append(new)
        self._lists.append(new)

    def _close_list(self) -> None:
        self._flush()
        if not self._lists:
            return
        closed = self._lists.pop()
        if self._lists:
            return  # already attached to its parent item
        block = closed.build()
        if not block.items:
            return
        if self._quote_depth:
            self._quote.extend(_flatten_list(block, depth=0))
        else:
            self._blocks.append(block)

    def _close_quote(self) -> None:
        if self._quote:
            self._blocks.append(BlockQuote(tuple(self._quote)))
        self._quote = []


def _inline(tag: str) -> bool:
    return not (
        tag in _BLOCKS
        or tag in _HEADING_LEVELS
        or tag in _SKIPPED
        or tag in ("ul", "ol", "li", "blockquote", "br", "hr", "table", "tr", "td", "th", "tbody", "thead")
    )


def _flatten_list(block: ListBlock, *, depth: int) -> list[Paragraph]:
    """A list inside a block quote, as quote paragraphs with their bullets or numbers written out."""
    paragraphs: list[Paragraph] = []
    for number, item in enumerate(block.items, 1):
        marker = f"{number}. " if block.ordered else "• "
        paragraphs.append(Paragraph((TextRun("    " * depth + marker), *item.runs)))
        for child in item.children:
            paragraphs.extend(_flatten_list(child, depth=depth + 1))
    return paragraphs


def _has_content(runs: Sequence[Run]) -> bool:
    return any(
        isinstance(run, CitationRun) or (isinstance(run, TextRun) and run.text.strip()) for run in runs
    )


def _trim(runs: Sequence[Run]) -> tuple[Run, ...]:
    """Runs without leading/trailing whitespace or line breaks, and no spaces next to a line break."""
    items = list(runs)
    while items and (
        isinstance(items[0], LineBreak) or (isinstance(items[0], TextRun) and not items[0].text.strip())
    ):
        items.pop(0)
    while items and (
        isinstance(items[-1], LineBreak) or (isinstance(items[-1], TextRun) and not items[-1].text.strip())
    ):
        items.pop()
    for index, run in enumerate(items):
        if not isinstance(run, TextRun):
            continue
        text = run.text
        if index == 0 or isinstance(items[index - 1], LineBreak):
            text = text.lstrip()
        if index == len(items) - 1 or isinstance(items[index + 1], LineBreak):
            text = text.rstrip()
        if text != run.text:
            items[index] = TextRun(text, run.bold, run.italic, run.underline)
    return tuple(run for run in items if not (isinstance(run, TextRun) and not run.text))


def _all_runs(blocks: Iterable[Block]) -> Iterator[Run]:
    for block in blocks:
        if isinstance(block, (Paragraph, Heading)):
            yield from block.runs
        elif isinstance(block, ListBlock):
            for item in _list_items(block):
                yield from item.runs
        elif isinstance(block, BlockQuote):
            yield from _all_runs(block.paragraphs)


def _list_items(block: ListBlock) -> Iterator[ListItem]:
    for item in block.items:
        yield item
        for child in item.children:
            yield from _list_items(child)


def cited_event_ids(html: str) -> list[int]:
    """Event ids the text cites, in order of first citation."""
    cited = (run.event_id for run in _all_runs(parse_html_blocks(html)) if isinstance(run, CitationRun))
    return list(dict.fromkeys(event_id for event_id in cited if event_id is not None))


def uncited_paragraphs(html: str) -> list[str]:
    """The text of each paragraph (or list item) that states something but cites no record."""
    found = []
    for block in parse_html_blocks(html):
        if isinstance(block, Paragraph):
            candidates: Iterable[Sequence[Run]] = [block.runs]
        elif isinstance(block, ListBlock):
            candidates = [item.runs for item in _list_items(block)]
        else:
            continue  # headings and quotations state nothing of the author's own
        for runs in candidates:
            text = " ".join("".join(run.text if isinstance(run, TextRun) else " " for run in runs).split())
            if not any(isinstance(run, CitationRun) for run in runs) and len(text.split()) >= 4:
                found.append(text)
    return found
