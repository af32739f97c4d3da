"""Split a record's text into the units events are read from: sentences, table rows, key-value lines.

Pure Python, character offsets into the record's text throughout. Pages are separated by form feeds;
lines with TAB-separated cells (PDF/DOCX tables) or cells padded with runs of spaces (.txt tables) are
table rows; consecutive rows form a table whose first row is its header when it looks like one; ALL-CAPS
lines and short lines ending with ":" are headings; lines repeated on several pages (running headers and
footers) and "Page N of M" lines are boilerplate. Other lines are joined into paragraphs (PDF line wraps)
and split into sentences, and sentences into clauses (``clauses``) so that one sentence can carry two
events of the same category on separate spans.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

PROSE, KV, ROW, HEADER_ROW, HEADING, LIST = "prose", "kv", "row", "header_row", "heading", "list"

_ABBREVIATIONS = {
    "mr",
    "ms",
    "mrs",
    "dr",
    "st",
    "no",
    "nos",
    "jr",
    "sr",
    "vs",
    "v",
    "etc",
    "inc",
    "co",
    "ctr",
    "dept",
    "approx",
    "rev",
    "hon",
    "gen",
    "sgt",
    "lt",
    "capt",
    "col",
    "cpl",
    "pvt",
    "ft",
    "mt",
    "ave",
    "blvd",
    "rd",
    "apt",
    "ste",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "id",
    "tr",
    "app",
    "supp",
    "cal",
    "misd",
    "med",
    "yrs",
    "yr",
    "mos",
    "pt",
    "fig",
    "vol",
    "pp",
    "p",
    "para",
    "cf",
    "al",
    "e.g",
    "i.e",
    "a.m",
    "p.m",
    "u.s",
    "m.d",
    "ph.d",
    "psy.d",
    "ed.d",
    "m.ed",
    "m.s.w",
    "m.a",
    "b.a",
    "d.o",
    "l.c.s.w",
    "div",
    "est",
    "dist",
    "ct",
    "cir",
    "cert",
    "ex",
    "rep",
    "atty",
    "sec",
    "ch",
    "art",
    "gov",
    "univ",
    "assn",
    "corp",
    "ltd",
    "dba",
    "hr",
    "hrs",
    "min",
    "mg",
    "oz",
    "lb",
    "lbs",
    "wk",
    "wks",
    "dob",
    "det",
    "ofc",
    "msw",
    "lcsw",
    "mgr",
    "asst",
    "admin",
    "mass",
    "ga",
    "fla",
    "tex",
    "ky",
    "tenn",
    "ala",
    "miss",
    "ark",
    "okla",
}
_SENT_END = re.compile(r"""[.!?]["'”’)\]]*(?=\s+["'“‘(\[]?[A-Z0-9])""")
_LIST_MARKER = re.compile(r"^\s*(?:\d{1,2}[.)]|[a-zA-Z][.)]|[-•*▪◦·])\s+")
_KV = re.compile(r"^\s*([A-Z][A-Za-z0-9 /&'().#,-]{0,45}?)\s*:\s+(?=\S)")
_PAGE_LINE = re.compile(r"\bpage\s+\d+\s+(?:of|/)\s+\d+\b|^\s*-?\s*\d{1,3}\s*-?\s*$", re.I)
_SPACE_CELL = re.compile(r"(?<![.?!:;,])[ ]{2,}|[ ]{3,}")
_SUBORDINATORS = r"after|before|when|because|until|since|whereupon|where|once|although|though|whereas"
_SUBJECTISH = r"(?:he|she|they|we|I|it|the|his|her|their|its|a|an|this|that|Mr\.|Ms\.|Mrs\.|Dr\.|[A-Z][a-z]+)"
_FINITE = (
    r"(?:was|were|is|are|had|has|have|did|does|got|came|went|died|left|became|began|moved|lost|"
    r"returned|took|told|saw|found|made|ran|fell|broke|gave|wet|hit|beat|struck|quit|\w+ed)"
)
_CLAUSE_SPLIT = re.compile(
    r";\s*"
    r"|,\s+and\s+"
    r"|,?\s+but\s+"
    r"|\s+and\s+(?=(?:was|were|had|has|is|then|later|began|started|subsequently|also|first|again in|in \d{4}|"
    r"on \d)\b)"
    rf"|,?\s+(?=(?:{_SUBORDINATORS})\s+{_SUBJECTISH}\b[^,;.]{{0,60}}?\b{_FINITE}\b)"
)
_FRONTED = re.compile(
    r"^(?:after|when|before|once|since|while|although|though|because|as soon as|until|"
    r"following|upon|if|unless)\b[^,;]{3,140},\s+",
    re.I,
)


@dataclass(slots=True)
class Table:
    id: int
    header: tuple[str, ...] = ()  # header cell texts ("" when the table has no header row)


@dataclass(slots=True)
class Unit:
    """One sentence, table row, key-value line or heading, with absolute offsets (trimmed)."""

    kind: str
    start: int
    end: int
    page: int
    para: int  # paragraph (prose) or table id (rows); continuation merges stay inside one
    section: str = ""  # text of the heading in force
    section_start: int = -1  # offset of that heading
    cells: list[tuple[int, int]] = field(default_factory=list)  # rows: cell spans
    table: Table | None = None
    key_end: int = -1  # key-value lines: where the key (with its colon) ends
    para_start: int = -1  # offset where the unit's paragraph starts
    skip: bool = False  # boilerplate or a section that lists sources: read nothing here


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each line in text[start:end], without the newline (and a trailing \\r)."""
    out = []
    pos = start
    while pos <= end:
        nl = text.find("\n", pos, end)
        stop = end if nl == -1 else nl
        e = stop
        if e > pos and text[e - 1] == "\r":
            e -= 1
        out.append((pos, e))
        if nl == -1:
            break
        pos = nl + 1
    return out


def trim(text: str, start: int, end: int, chars: str = "") -> tuple[int, int]:
    """Shrink [start, end) past whitespace (and any of ``chars``) at both ends."""
    while start < end and (text[start].isspace() or text[start] in chars):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in chars):
        end -= 1
    return start, end


def cells_of(text: str, start: int, end: int) -> list[tuple[int, int]] | None:
    """Cell spans of a table row, or None when the line is not a row."""
    line = text[start:end]
    if "\t" in line:
        spans = []
        pos = start
        for part in line.split("\t"):
            s, e = trim(text, pos, pos + len(part))
            if e > s:
                spans.append((s, e))
            pos += len(part) + 1
        if len(spans) == 2 and text[spans[0][1] - 1] == ":":
            return None  # "Key:<TAB>value" is a key-value line
        return spans if len(spans) >= 2 else None
    stripped = line.strip()
    if len(stripped) < 5 or "  " not in stripped:
        return None
    lead = len(line) - len(line.lstrip())
    gaps = [m for m in _SPACE_CELL.finditer(line, lead) if m.end() < len(line.rstrip())]
    if not gaps or (len(gaps) == 1 and len(gaps[0].group()) < 3):
        return None
    spans = []
    pos = lead
    for g in gaps:
        s, e = trim(text, start + pos, start + g.start())
        if e > s:
            spans.append((s, e))
        pos = g.end()
    s, e = trim(text, start + pos, end)
    if e > s:
        spans.append((s, e))
    if len(spans) == 2 and text[spans[0][1] - 1] == ":":
        return None  # "Key:     value" is a key-value line
    return spans if len(spans) >= 2 else None


def _is_heading(line: str) -> bool:
    s = line.strip()
    if not s or len(s) > 100:
        return False
    letters = [c for c in s if c.isalpha()]
    if len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.8 * len(letters):
        return not (s.endswith(".") and len(s.split()) > 8)
    return s.endswith(":") and len(s.split()) <= 8


def _is_header_row(texts: list[str]) -> bool:
    if any(re.search(r"\d", t) and not re.search(r"\b(1st|2nd|3rd|\dth)\b", t, re.I) for t in texts):
        return False
    if any(":" in t for t in texts):
        return False
    return all(len(t.split()) <= 6 for t in texts)


def _boilerplate_lines(text: str, pages: list[tuple[int, int]]) -> set[str]:
    """Normalised lines that appear on two or more pages: running headers and footers."""
    if len(pages) < 2:
        return set()
    seen: Counter[str] = Counter()
    for ps, pe in pages:
        keys = set()
        lines = [(s, e) for s, e in _lines(text, ps, pe) if text[s:e].strip()]
        for s, e in lines[:3] + lines[-3:]:  # running headers and footers sit at the page's edges
            key = _norm_line(text[s:e])
            if len(key) >= 8:
                keys.add(key)
        seen.update(keys)
    return {k for k, n in seen.items() if n >= 2}


_DIGITS = re.compile(r"\d+")
_BLANKS = re.compile(r"\s+")


def _norm_line(line: str) -> str:
    return _DIGITS.sub("#", _BLANKS.sub(" ", line.strip().lower()))


_SMALL_WORDS = {"of", "and", "or", "the", "a", "an", "in", "on", "for", "to", "with", "at", "by"}


def _title_case(phrase: str) -> bool:
    """A run-in heading ("Family History.", "Education.") capitalises its words; a short sentence ("His
    mother drank.") does not."""
    words = re.findall(r"[A-Za-z][A-Za-z'’-]*", phrase)
    return bool(words) and all(w[0].isupper() or w.lower() in _SMALL_WORDS for w in words)


def split_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans inside text[start:end] (a paragraph), abbreviation-aware."""
    out = []
    pos = start
    for m in _SENT_END.finditer(text, start, end):
        cut = m.end()
        before = text[max(start, m.start() - 12) : m.start() + 1]
        word = re.search(r"([A-Za-z][A-Za-z.'’]*)\.$", before)
        if word:
            raw = word.group(1).rstrip(".")
            w = raw.lower()
            if w in _ABBREVIATIONS or (len(raw) == 1 and raw.isupper()):
                continue  # "Mr.", "No.", an initial ("Raymond E. Toller")
        s, e = trim(text, pos, cut)
        if e > s:
            out.append((s, e))
        pos = cut
    s, e = trim(text, pos, end)
    if e > s:
        out.append((s, e))
    return out


def clauses(text: str, start: int, end: int) -> list[tuple[int, int, bool]]:
    """Clause spans of a sentence: (start, end, fronted) where ``fronted`` marks a sentence-initial
    subordinate clause ("After his grandmother died, ..."), background to the main clause."""
    sentence = text[start:end]
    cuts: list[tuple[int, int]] = []  # (cut start, cut end) relative to the sentence
    fronted_end = -1
    m = _FRONTED.match(sentence)
    if m:
        comma = sentence.rfind(",", 0, m.end())
        cuts.append((comma, m.end()))
        fronted_end = comma
    depth = 0
    paren_ranges = []
    for i, ch in enumerate(sentence):
        if ch in "([":
            if depth == 0:
                open_at = i
            depth += 1
        elif ch in ")]" and depth:
            depth -= 1
            if depth == 0:
                paren_ranges.append((open_at, i))
    for m in _CLAUSE_SPLIT.finditer(sentence):
        if any(a < m.start() < b for a, b in paren_ranges):
            continue
        if m.start() <= 0 or m.end() >= len(sentence):
            continue
        if fronted_end >= 0 and m.start() <= fronted_end + 2:
            continue
        cuts.append((m.start(), m.end()))
    cuts.sort()
    spans = []
    pos = 0
    for a, b in cuts:
        if a < pos:
            continue
        s, e = trim(text, start + pos, start + a, ",;:")
        if e > s:
            spans.append((s, e, pos == 0 and a == fronted_end))
        pos = b
    s, e = trim(text, start + pos, end, ",;:.")
    if e > s:
        spans.append((s, e, False))
    if spans:
        s0, e0, f0 = spans[-1]
        spans[-1] = (s0, e0, f0)
    return spans or [(*trim(text, start, end), False)]


def segment(
    text: str,
    *,
    skip_section_re: re.Pattern | None = None,
) -> list[Unit]:
    """Units of a record's text in reading order."""
    pages: list[tuple[int, int]] = []
    pos = 0
    for part in text.split("\f"):
        pages.append((pos, pos + len(part)))
        pos += len(part) + 1
    repeated = _boilerplate_lines(text, pages)
    units: list[Unit] = []
    para_id = 0
    table_id = 0
    section, section_start, section_skip = "", -1, False
    for page_no, (ps, pe) in enumerate(pages, 1):
        lines = _lines(text, ps, pe)
        widths = sorted(e - s for s, e in lines if text[s:e].strip())
        typical = max(40, widths[int(0.9 * (len(widths) - 1))]) if widths else 80
        i = 0
        while i < len(lines):
            s, e = lines[i]
            raw = text[s:e]
            if not raw.strip():
                i += 1
                continue
            if _PAGE_LINE.search(raw) or _norm_line(raw) in repeated or re.fullmatch(r"[\s\-=_*.~]{3,}", raw):
                s2, e2 = trim(text, s, e)
                units.append(Unit(HEADING, s2, e2, page_no, para_id, section, section_start, skip=True))
                i += 1
                continue
            row_cells = cells_of(text, s, e)
            if row_cells:
                # a block of consecutive rows is one table
                block = []
                while i < len(lines):
                    cs = cells_of(text, *lines[i])
                    if not cs:
                        break
                    block.append((lines[i], cs))
                    i += 1
                table_id += 1
                para_id += 1
                kv_rows = sum(
                    1 for _, cs in block if sum(1 for a, b in cs if _KV.match(text[a:b])) >= len(cs) / 2
                )
                first_texts = [text[a:b] for a, b in block[0][1]]
                table = Table(table_id)
                body = block
                if kv_rows < len(block) / 2 and len(block) >= 2 and _is_header_row(first_texts):
                    table.header = tuple(first_texts)
                    (hs, he), hc = block[0]
                    hs, he = trim(text, hs, he)
                    units.append(
                        Unit(
                            HEADER_ROW, hs, he, page_no, para_id, section, section_start, hc, table, skip=True
                        )
                    )
                    body = block[1:]
                for (ls, le), cs in body:
                    ls, le = trim(text, ls, le)
                    is_kv = sum(1 for a, b in cs if _KV.match(text[a:b])) >= len(cs) / 2
                    units.append(
                        Unit(
                            KV if is_kv else ROW,
                            ls,
                            le,
                            page_no,
                            para_id,
                            section,
                            section_start,
                            cs,
                            None if is_kv else table,
                            skip=section_skip,
                            para_start=ls,
                        )
                    )
                continue
            if _is_heading(raw):
                s2, e2 = trim(text, s, e)
                section, section_start = raw.strip(), s2
                section_skip = bool(skip_section_re and skip_section_re.search(section))
                units.append(Unit(HEADING, s2, e2, page_no, para_id, section, section_start, skip=True))
                para_id += 1
                i += 1
                continue
            # a paragraph: join wrapped lines
            para_id += 1
            p_start, p_end = s, e
            first_line = raw
            i += 1
            while i < len(lines):
                ns, ne = lines[i]
                nxt = text[ns:ne]
                if not nxt.strip() or cells_of(text, ns, ne) or _is_heading(nxt) or _LIST_MARKER.match(nxt):
                    break
                if _PAGE_LINE.search(nxt) or _norm_line(nxt) in repeated:
                    break
                cur = text[p_start:p_end].rstrip()
                last_line = text[lines[i - 1][0] : lines[i - 1][1]].rstrip()
                if _KV.match(nxt) and not nxt.strip()[0].islower():
                    break
                wraps = nxt.lstrip()[:1].islower() or (
                    len(last_line) >= 0.6 * typical and not re.search(r"[.:;!?]['\"”’)]*$", last_line)
                )
                if not wraps or not cur:
                    break
                p_end = ne
                i += 1
            ps2, pe2 = trim(text, p_start, p_end)
            kind = LIST if _LIST_MARKER.match(first_line) else PROSE
            kv = _KV.match(text[ps2:pe2]) if kind == PROSE else None
            key_end = -1
            if kv and len(kv.group(1).split()) <= 6:
                kind = KV
                key_end = ps2 + kv.end()
            sentences = split_sentences(text, ps2, pe2)
            for k, (ss, se) in enumerate(sentences):
                run_in = (
                    k == 0
                    and len(sentences) > 1
                    and kind == PROSE
                    and len(text[ss:se].split()) <= 4
                    and text[se - 1] == "."
                    and _title_case(text[ss:se])
                )
                units.append(
                    Unit(
                        HEADING if run_in else (kind if k == 0 else (PROSE if kind == KV else kind)),
                        ss,
                        se,
                        page_no,
                        para_id,
                        section,
                        section_start,
                        key_end=key_end if k == 0 else -1,
                        skip=section_skip or run_in,
                        para_start=ps2,
                    )
                )
    return units
