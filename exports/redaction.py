"""Rule 49.1 reductions applied to the format-free document, so both renderers print the same public text."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from exports.document import (
    BlockQuote,
    Heading,
    ListBlock,
    ListItem,
    NarrativeDocument,
    Paragraph,
    TextRun,
)


def _pattern(redactions: Mapping[str, str]) -> re.Pattern[str] | None:
    keys = sorted((k for k in redactions if k.strip()), key=len, reverse=True)  # longest first
    return re.compile("|".join(re.escape(k) for k in keys)) if keys else None


def redact_text(text: str, redactions: Mapping[str, str]) -> str:
    pattern = _pattern(redactions)
    return pattern.sub(lambda m: redactions[m.group(0)], text) if pattern else text


def _runs(runs, redactions):
    return tuple(
        dataclasses.replace(run, text=redact_text(run.text, redactions)) if isinstance(run, TextRun) else run
        for run in runs
    )


def _item(item: ListItem, redactions) -> ListItem:
    return ListItem(runs=_runs(item.runs, redactions), children=tuple(_block(c, redactions) for c in item.children))


def _block(block, redactions):
    if isinstance(block, (Paragraph, Heading)):
        return dataclasses.replace(block, runs=_runs(block.runs, redactions))
    if isinstance(block, ListBlock):
        return ListBlock(ordered=block.ordered, items=tuple(_item(i, redactions) for i in block.items))
    if isinstance(block, BlockQuote):
        return BlockQuote(paragraphs=tuple(_block(p, redactions) for p in block.paragraphs))
    return block


def redact_document(document: NarrativeDocument, redactions: Mapping[str, str]) -> NarrativeDocument:
    """The document with every private string replaced by what the rule allows (text, titles, exhibits)."""
    if not redactions:
        return document
    sections = tuple(
        dataclasses.replace(
            section,
            title=redact_text(section.title, redactions),
            blocks=tuple(_block(block, redactions) for block in section.blocks),
        )
        for section in document.sections
    )
    exhibits = tuple(
        dataclasses.replace(
            exhibit,
            description=redact_text(exhibit.description, redactions),
            source=redact_text(exhibit.source, redactions),
            page_texts=tuple(redact_text(text, redactions) for text in exhibit.page_texts),
        )
        for exhibit in document.exhibits
    )
    return dataclasses.replace(document, sections=sections, exhibits=exhibits)


def document_text(document: NarrativeDocument) -> str:
    """All the words a reader of the filing sees (citations excepted), for the privacy pass."""
    parts: list[str] = []

    def runs(items):
        parts.append("".join(r.text for r in items if isinstance(r, TextRun)))

    def block(b):
        if isinstance(b, (Paragraph, Heading)):
            runs(b.runs)
        elif isinstance(b, ListBlock):
            for item in b.items:
                runs(item.runs)
                for child in item.children:
                    block(child)
        elif isinstance(b, BlockQuote):
            for p in b.paragraphs:
                block(p)

    for section in document.sections:
        parts.append(section.title)
        for b in section.blocks:
            block(b)
    return "\n".join(parts)


__all__ = ["document_text", "redact_document", "redact_text"]
