"""The editor's sanitised HTML (CKEditor 5 output) -> the blocks and runs of `exports.document`.

Parsing uses the standard library's `html.parser`: it never fetches or executes anything, and it
accepts malformed input (unclosed or stray tags, text outside any paragraph) without raising. Tags it
does not know are transparent (their text is kept); the contents of script, style and similar
elements are dropped.

A citation is the editor's placeholder `<span class="citation" data-event="123"></span>`; any text
inside it (the editor's preview) is ignored, because the citation's text is computed at export time
from what `resolve_citation(event_id)` returns. Exhibit letters come from the caller: collect the
event ids in narrative order with `citation_event_ids`, map them to source documents, and give that
order to `assign_exhibit_letters`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, TypeVar

from exports.document import (
    Block,
    BlockQuote,
    CitationRun,
    Cite,
    Heading,
    LineBreak,
    ListBlock,
    ListItem,
    Paragraph,
    Run,
    TextRun,
    exhibit_letter,
)

# What the caller's function returns for one event: Cite values or plain tuples
# (exhibit letter, description, page numbers[, bates labels]).
CitedSource = Cite | tuple[Any, ...]
CitationResolver = Callable[[int], Iterable[CitedSource]]

DocumentId = TypeVar("DocumentId", bound=Hashable)

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


def assign_exhibit_letters(citation_order: Sequence[DocumentId]) -> dict[DocumentId, str]:
    """Letters by first citation: the first document cited is "A", ..., "Z", then "AA", "AB", ..."""
    letters: dict[DocumentId, str] = {}
    for document_id in citation_order:
        if document_id not in letters:
            letters[document_id] = exhibit_letter(len(letters))
    return letters


def citation_event_ids(html: str) -> list[int]:
    """The event ids of the citation placeholders in `html`, in document order (repeats kept)."""
    collector = _CitationCollector()
    collector.feed(html or "")
    collector.close()
    return collector.event_ids


def parse_html_blocks(html: str, *, resolve_citation: CitationResolver | None = None) -> tuple[Block, ...]:
    """The blocks of one section body; citations are resolved with `resolve_citation(event_id)`."""
    parser = _BlockParser(resolve_citation)
    parser.feed(html or "")
    parser.close()
    return parser.finish()


def _is_citation(attrs: list[tuple[str, str | None]]) -> bool:
    return "citation" in (dict(attrs).get("class") or "").split()


def _event_id(attrs: list[tuple[str, str | None]]) -> int | None:
    """The data-event of a citation span, or None when it is missing or not a number."""
    raw = (dict(attrs).get("data-event") or "").strip()
    return int(raw) if raw.isdigit() else None


def _to_cite(source: CitedSource) -> Cite:
    if isinstance(source, Cite):
        return source
    letter, description, pages, *rest = source
    bates = tuple(str(label) for label in rest[0]) if rest and rest[0] else ()
    return Cite(str(letter), str(description), tuple(int(page) for page in pages or ()), bates)


class _CitationCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.event_ids: list[int] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "span" and _is_citation(attrs) and (event_id := _event_id(attrs)) is not None:
            self.event_ids.append(event_id)


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
        self._citation_depth = 0

    # The parser's callbacks ---------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_depth:
            if tag == self._skip_tag:
                self._skip_depth += 1
            return
        if self._citation_depth:
            if tag == "span":
                self._citation_depth += 1
                return
            if not _inline(tag):
                self._citation_depth = 0  # an unclosed placeholder must not swallow the text after it
            else:
                return
        if tag in _SKIPPED:
            self._skip_tag, self._skip_depth = tag, 1
        elif tag == "span" and _is_citation(attrs):
            self._add_citation(_event_id(attrs))
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
        if tag == "span" and _is_citation(attrs):
            if not self._skip_depth and not self._citation_depth:
                self._add_citation(_event_id(attrs))
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
            if tag == "span":
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
