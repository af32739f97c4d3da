"""The pieces of a record that the event model reads and labels: clauses of sentences, table rows, form lines.

    reading_units(text) -> [ReadingUnit]

Gold events (shared/eval/GUIDELINES.md) are clauses, table rows or phrases, and one sentence may hold
several events of one category on separate clauses ("the court revoked his probation and committed him to
the youth authority"). So sentences are cut finely here, at the places English joins clauses (semicolons,
coordinated verb phrases, relative and subordinate clauses, participial phrases); the model then says, for
each piece, whether it starts an event, continues the previous piece's event, or is no event at all. Cutting
too finely costs nothing the model cannot undo; a cut missing here is an event the model cannot separate.

Headings, running headers and footers, and the header rows of tables are kept as context (``context_only``)
but never labelled. Offsets are into the record's text throughout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .segment import HEADER_ROW, HEADING, KV, LIST, PROSE, ROW, Unit, clauses, segment, trim

# Unit shapes the model is told about (an embedding each).
SHAPES = ("clause", "row", "kv", "list", "context")
CLAUSE, SHAPE_ROW, SHAPE_KV, SHAPE_LIST, CONTEXT = SHAPES

_FINITE_OR_PARTICIPLE = (
    r"(?:had|has|have|was|were|is|are|did|does|became|began|went|got|left|lost|ran|took|spent|"
    r"received|served|suffered|attended|completed|entered|enrolled|dropped|pleaded|pled|"
    r"[a-z]{3,}ed)\b"
)
_SUBCLAUSE_CUT = re.compile(
    r";\s*"
    r"|,\s+(?:and|but|or|yet|so)\s+(?:then\s+)?"
    r"|,?\s+and\s+then\s+"
    r"|,\s+then\s+"
    r"|,\s+as\s+well\s+as\s+"
    r"|\s+as\s+well\s+as\s+"
    # relative clauses: ", which ...", ", from which he absconded"
    r"|,\s+(?=(?:which|who|whom|whose|where|(?:from|in|during|after|at|for|through)\s+which)\b)"
    # a comma before a finite verb or participle continues a list of verb phrases
    rf"|,\s+(?=(?:also\s+|later\s+|then\s+|never\s+|still\s+)?{_FINITE_OR_PARTICIPLE})"
    # "... and treated at psychiatric hospitals", "... and was placed ..."
    rf"|\s+and\s+(?=(?:also\s+|later\s+|then\s+|subsequently\s+|eventually\s+|never\s+)?{_FINITE_OR_PARTICIPLE})"
    # "... while in prison", "while on probation": where a second fact is often told in passing
    r"|,?\s+(?=while\s+(?:in|on|at|serving|incarcerated|detained|living|awaiting|attending|he|she|they)\b)"
    # participial phrases: ", placing him on probation", ", committing him to ..."
    r"|,\s+(?=(?!including\b|according\b|regarding\b|concerning\b|during\b|notwithstanding\b)[a-z]{3,}ing\b)"
)
_MIN_WORDS = 2


@dataclass(frozen=True, slots=True)
class ReadingUnit:
    """One piece the model reads: where it is, what shape it has, and the sentence or row it belongs to."""

    start: int
    end: int
    shape: str  # one of SHAPES
    group: int  # pieces of one sentence (or one row) share a group; events never cross groups
    source: int  # index of the segment.Unit it was cut from
    page: int

    @property
    def context_only(self) -> bool:
        return self.shape == CONTEXT


def subclauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Pieces of one sentence, finer than ``segment.clauses``: each coordinated verb phrase, relative or
    participial clause on its own; never a cut inside brackets or quotes. Pieces shorter than two words stay
    with their neighbour."""
    protected = _bracketed(text, start, end)
    cuts: list[tuple[int, int]] = []  # (where the left piece ends, where the right piece starts)
    spans = clauses(text, start, end)
    for (_, e0, _), (s1, _, _) in zip(spans, spans[1:]):
        cuts.append((e0, s1))
    for cs, ce, _fronted in spans:
        cuts.extend((m.start(), m.end()) for m in _SUBCLAUSE_CUT.finditer(text, cs, ce) if cs < m.start() and m.end() < ce)
    cuts = sorted(c for c in set(cuts) if not any(a < c[0] < b for a, b in protected))
    pieces: list[tuple[int, int]] = []
    pos = start
    for a, b in cuts:
        if a < pos:
            continue
        s, e = trim(text, pos, a, ",;:")
        if e > s:
            pieces.append((s, e))
        pos = b
    s, e = trim(text, pos, end, ",;:.")
    if e > s:
        pieces.append((s, e))
    return _join_short(text, pieces) or [trim(text, start, end)]


def _bracketed(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Ranges inside parentheses, brackets or double quotes: never cut there."""
    ranges = []
    depth = 0
    open_at = start
    for i in range(start, end):
        ch = text[i]
        if ch in "([":
            if depth == 0:
                open_at = i
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
            if depth == 0:
                ranges.append((open_at, i))
    for m in re.finditer(r"[\"“][^\"”]{0,400}[\"”]", text[start:end]):
        ranges.append((start + m.start(), start + m.end()))
    return ranges


def _join_short(text: str, pieces: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for s, e in pieces:
        if out and len(text[s:e].split()) < _MIN_WORDS:
            out[-1] = (out[-1][0], e)
        elif out and len(text[out[-1][0] : out[-1][1]].split()) < _MIN_WORDS:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def reading_units(text: str, units: list[Unit] | None = None) -> list[ReadingUnit]:
    """The record's pieces in reading order; ``units`` reuses a segmentation already made."""
    if units is None:
        units = segment(text)
    out: list[ReadingUnit] = []
    group = 0
    for k, unit in enumerate(units):
        group += 1
        if unit.skip or unit.kind in (HEADING, HEADER_ROW):
            out.append(ReadingUnit(unit.start, unit.end, CONTEXT, group, k, unit.page))
        elif unit.kind == ROW or (unit.kind == KV and unit.cells):
            out.append(ReadingUnit(unit.start, unit.end, SHAPE_ROW, group, k, unit.page))
        else:
            # a "Label: value" line is read like a sentence; its shape tells the model a label leads it
            shape = SHAPE_KV if unit.kind == KV and unit.key_end > 0 else SHAPE_LIST if unit.kind == LIST else CLAUSE
            for s, e in subclauses(text, unit.start, unit.end):
                out.append(ReadingUnit(s, e, shape, group, k, unit.page))
    return out


__all__ = ["ReadingUnit", "SHAPES", "reading_units", "subclauses", "PROSE"]
