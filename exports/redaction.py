"""Rule 49.1 reductions: the one matcher (`Redactor`), applied to the format-free document (so both renderers
print the same public text) and, by `packet.py`, to the exhibit pages."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping

from exports.document import (
    BlockQuote,
    Heading,
    ListBlock,
    ListItem,
    NarrativeDocument,
    Paragraph,
    TextRun,
)
from exports.privacy import Finding


def _normalise(text: str) -> str:
    return " ".join(text.split())


class Redactor:
    """The one matcher of Rule 49.1 reductions, for the narrative and the exhibit packet alike.

    Each private string is found with any whitespace between its words (a name broken over two lines is still the
    name), and as whole words where it starts or ends with a letter or digit: "Maya" is found in "Maya's" but not in
    "Mayan". The longest string wins where two overlap."""

    def __init__(self, redactions: Mapping[str, str]) -> None:
        self.replacements = {_normalise(key): value for key, value in redactions.items() if key.strip()}
        keys = sorted(self.replacements, key=len, reverse=True)
        self.pattern = re.compile("|".join(self._alternative(key) for key in keys)) if keys else None

    @staticmethod
    def _alternative(key: str) -> str:
        body = r"\s+".join(re.escape(word) for word in key.split())
        start = r"(?<!\w)" if key[0].isalnum() else ""
        end = r"(?!\w)" if key[-1].isalnum() else ""
        return start + body + end

    def redact(self, text: str) -> str:
        """`text` with every private string replaced by what the rule allows."""
        if self.pattern is None:
            return text
        return self.pattern.sub(lambda match: self.replacements.get(_normalise(match[0]), "[redacted]"), text)

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, replacement) of every private string in `text`, in order: what a page's boxes cover."""
        if self.pattern is None:
            return []
        return [
            (match.start(), match.end(), self.replacements.get(_normalise(match[0]), "[redacted]"))
            for match in self.pattern.finditer(text)
        ]

    def finds(self, text: str) -> bool:
        """Whether `text` still holds a private string."""
        return self.pattern is not None and self.pattern.search(text) is not None


def redactions_from_findings(findings: Iterable[Finding]) -> dict[str, str]:
    """The `redactions` of an export from privacy findings: each private string -> what the rule allows."""
    return {finding.text: finding.replacement for finding in findings if finding.text.strip()}


def _runs(runs, redactor: Redactor):
    return tuple(
        dataclasses.replace(run, text=redactor.redact(run.text)) if isinstance(run, TextRun) else run for run in runs
    )


def _item(item: ListItem, redactor: Redactor) -> ListItem:
    return ListItem(runs=_runs(item.runs, redactor), children=tuple(_block(c, redactor) for c in item.children))


def _block(block, redactor: Redactor):
    if isinstance(block, (Paragraph, Heading)):
        return dataclasses.replace(block, runs=_runs(block.runs, redactor))
    if isinstance(block, ListBlock):
        return ListBlock(ordered=block.ordered, items=tuple(_item(i, redactor) for i in block.items))
    if isinstance(block, BlockQuote):
        return BlockQuote(paragraphs=tuple(_block(p, redactor) for p in block.paragraphs))
    return block


def redact_document(document: NarrativeDocument, redactions: Mapping[str, str]) -> NarrativeDocument:
    """The document with every private string replaced by what the rule allows (text, titles, exhibits)."""
    if not redactions:
        return document
    redactor = Redactor(redactions)
    sections = tuple(
        dataclasses.replace(
            section,
            title=redactor.redact(section.title),
            blocks=tuple(_block(block, redactor) for block in section.blocks),
        )
        for section in document.sections
    )
    exhibits = tuple(
        dataclasses.replace(
            exhibit,
            description=redactor.redact(exhibit.description),
            source=redactor.redact(exhibit.source),
            page_texts=tuple(redactor.redact(text) for text in exhibit.page_texts),
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


__all__ = ["Redactor", "document_text", "redact_document", "redactions_from_findings"]
