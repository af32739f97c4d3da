"""The one format-free value a narrative export is rendered from.

`exports.assemble.export_data` builds a `NarrativeDocument`; `exports.render.render_docx` and `render_pdf`
take only this value, so the two formats cannot drift apart (STYLE.md section 8).
Everything here is a frozen dataclass of plain values: no querysets, no file handles, no markup.

Section bodies are the narrative's own blocks (`narratives.richtext.parse_html_blocks` reads the editor's HTML):
`Paragraph`, `Heading`, `ListBlock` (nested through `ListItem.children`) and `BlockQuote`, made of
inline runs: `TextRun` (bold / italic / underline), `LineBreak` and `CitationRun` (a citation whose
text is computed here, at export time, from the exhibits it cites). They are imported here so that the renderers
find every type of the document in one module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from narratives.richtext import (
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
)

__all__ = [
    "PUBLIC_LABEL", "SEALED_LABEL", "MISSING_CITATION", "Block", "BlockQuote", "Caption", "CitationRun",
    "CitationStyle", "Cite", "Exhibit", "bates_label", "Heading", "LineBreak", "ListBlock", "ListItem", "NarrativeDocument",
    "Paragraph", "Run", "Section", "SignatureBlock", "StyleSettings", "TextRun", "citation_text", "exhibit_letter",
    "format_cite", "format_pages", "needs_space_before", "runs_for_style",
]

CitationStyle = Literal["inline", "footnote"]


# The filing around the narrative -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    blocks: tuple[Block, ...]


@dataclass(frozen=True, slots=True)
class Caption:
    court: str  # may hold several lines separated by "\n"
    parties: str  # "STATE OF ARDEN v. DEVON M. ASHBY"
    docket_number: str  # "23-CF-00417"
    document_title: str  # "DEFENDANT'S SENTENCING MEMORANDUM"
    plaintiff_role: str = "Plaintiff"
    defendant_role: str = "Defendant"

    @property
    def party_names(self) -> tuple[str, str]:
        """The two sides of `parties`, split on " v. " (or " vs. "); the whole string and "" if neither."""
        for separator in (" v. ", " vs. ", " V. ", " VS. "):
            if separator in self.parties:
                first, _, second = self.parties.partition(separator)
                return first.strip(), second.strip()
        return self.parties.strip(), ""


@dataclass(frozen=True, slots=True)
class Exhibit:
    letter: str
    description: str  # "Brennan County School Records"
    record_type: str  # "School records"
    source: str  # "Wexbridge Unified School District"
    page_count: int
    page_texts: tuple[str, ...] = ()  # text of each record page, for the Rule 49.1 pass; never rendered here
    bates_range: str = ""  # "ASHBY-000001 – ASHBY-000003", as stamped in the packet


@dataclass(frozen=True, slots=True)
class SignatureBlock:
    name: str  # printed after "/s/"
    bar_number: str = ""
    title: str = ""  # "Assistant Public Defender"
    office: str = ""
    address_lines: tuple[str, ...] = ()
    phone: str = ""
    email: str = ""
    attorney_for: str = "Attorney for Defendant"
    date: str = ""  # "May 6, 2024"; printed as "Dated: ..." when given

    def lines(self) -> tuple[str, ...]:
        """The printed lines below "/s/ name", empty parts left out."""
        name_line = f"{self.name}, Bar No. {self.bar_number}" if self.bar_number else self.name
        parts = [
            name_line,
            self.title,
            self.office,
            *self.address_lines,
            self.phone,
            self.email,
            self.attorney_for,
        ]
        return tuple(part for part in parts if part)


@dataclass(frozen=True, slots=True)
class StyleSettings:
    paper: Literal["letter"] = "letter"
    margin_in: float = 1.0
    font_family: str = "Liberation Serif"
    font_size_pt: float = 12.0
    body_line_spacing: float = 2.0  # a multiple of single spacing, as Word's "Double"
    quote_line_spacing: float = 1.0
    heading_line_spacing: float = 1.0
    citation_style: CitationStyle = "inline"


PUBLIC_LABEL = "PUBLIC — REDACTED PER FED. R. CRIM. P. 49.1"
SEALED_LABEL = "FILED UNDER SEAL"


@dataclass(frozen=True, slots=True)
class NarrativeDocument:
    caption: Caption
    title: str
    sections: tuple[Section, ...]
    exhibits: tuple[Exhibit, ...] = ()
    signature: SignatureBlock | None = None
    certificate_of_service: str | None = None
    sealed: bool = False
    style: StyleSettings = field(default_factory=StyleSettings)
    privacy_label: str = PUBLIC_LABEL  # the court's own rule: Rule 49.1 only in federal court
    draft: bool = False  # a working copy, never filed (made even when filing checks fail): watermarked

    @property
    def filing_label(self) -> str:
        """The label of the first page: public (redacted under the court's rule) or sealed; a draft says so."""
        label = SEALED_LABEL if self.sealed else self.privacy_label
        return f"DRAFT — NOT FOR FILING · {label}" if self.draft else label


# Citation text, shared by both renderers ------------------------------------------------------------


def format_pages(pages: Sequence[int]) -> str:
    """Pages as "4", "4–6" or "4, 7–8": sorted, consecutive ones joined into ranges with an en dash."""
    numbers = sorted(set(pages))
    if not numbers:
        return ""
    ranges: list[tuple[int, int]] = []
    for number in numbers:
        if ranges and number == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], number)
        else:
            ranges.append((number, number))
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in ranges)


def format_cite(cite: Cite) -> str:
    """One cite as "Ex. C, Brennan County School Records, at 4 [ASHBY-000123]" (Bates label if known)."""
    text = f"Ex. {cite.exhibit}, {cite.description}"
    if cite.pages:
        text += f", at {format_pages(cite.pages)}"
    if cite.bates:
        labels = list(dict.fromkeys(cite.bates))
        text += f" [{labels[0]}]" if len(labels) == 1 else f" [{labels[0]}–{labels[-1]}]"
    return text


def bates_label(prefix: str, number: int) -> str:
    """The label of Bates number 123 with prefix "ASHBY": "ASHBY-000123" (a prefix ending in a separator
    is used as it is)."""
    separator = "" if not prefix or prefix[-1] in "-_ ." else "-"
    return f"{prefix}{separator}{number:06d}"


MISSING_CITATION = "[citation missing]"


def citation_text(run: CitationRun, style: CitationStyle = "inline") -> str:
    """The printed citation: "(Ex. C, ..., at 4; Ex. D, ..., at 2)" inline, or a footnote's sentence.

    A citation whose event was deleted prints a visible marker so staff fix it before filing."""
    if not run.cites:
        return MISSING_CITATION
    if run.repeats_previous:
        return "(Id.)" if style == "inline" else "Id."
    body = "; ".join(format_cite(cite) for cite in run.cites)
    return f"({body})" if style == "inline" else f"{body}."


def needs_space_before(previous_text: str) -> bool:
    """True when an inline citation must be separated from the text before it by a space."""
    return bool(previous_text) and not previous_text[-1].isspace() and previous_text[-1] not in "([“\"'‘"


def runs_for_style(runs: Sequence[Run], style: CitationStyle) -> tuple[Run, ...]:
    """The runs as printed: for footnotes, the marker hugs the word before it and follows the punctuation
    after it ("cocaine (cite)." -> "cocaine.¹"); inline citations are left where the author put them."""
    items = list(runs)
    if style != "footnote":
        return tuple(items)
    for index, run in enumerate(items):
        if not isinstance(run, CitationRun):
            continue
        before = items[index - 1] if index else None
        if isinstance(before, TextRun) and before.text != before.text.rstrip():
            items[index - 1] = TextRun(before.text.rstrip(), before.bold, before.italic, before.underline)
        after = items[index + 1] if index + 1 < len(items) else None
        if isinstance(after, TextRun):
            stripped = after.text.lstrip(".,;:")
            moved = after.text[: len(after.text) - len(stripped)]
            if moved and isinstance(items[index - 1] if index else None, TextRun):
                previous = items[index - 1]
                assert isinstance(previous, TextRun)
                items[index - 1] = TextRun(
                    previous.text + moved, previous.bold, previous.italic, previous.underline
                )
                items[index + 1] = TextRun(stripped, after.bold, after.italic, after.underline)
    return tuple(run for run in items if not (isinstance(run, TextRun) and not run.text))


def exhibit_letter(index: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "AA", 27 -> "AB", 701 -> "ZZ", 702 -> "AAA" (bijective base 26)."""
    if index < 0:
        raise ValueError("index must be >= 0")
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
