"""Full-text search of a case's record pages: words and quoted phrases, stemmed ("retain" finds "retained").

The index is the database's own (migration 0006_page_search_index): SQLite FTS5 with the Porter stemmer under the
embedded default, PostgreSQL's English text search with a GIN index otherwise. The database keeps it in step with
every write of a page, so a page read again is found by its new words only. Both engines answer the same two
questions, asked in SQL below: which pages of this case match, best first, and where on a page the matched words
are (character offsets into the page's text), from which the snippets and the highlights are made in Python alike.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection
from dataclasses import dataclass

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)

MAX_TERMS = 12  # a query is typed by a person; more than this is a paste, and would only slow the engine down
MAX_TERM_LENGTH = 60
START, STOP = "\x02", "\x03"  # marks around matched words; control characters never met in a page's text
_TERM = re.compile(r'"([^"]*)"?|([^\s"]+)')
_WORD_PART = re.compile(r"[^\W_]+")  # what both engines call a word: letters and digits


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """What a person typed, as the engines read it: each item is a word or a phrase (words in order)."""

    text: str
    items: tuple[tuple[str, ...], ...]

    def __bool__(self) -> bool:
        return bool(self.items)

    @property
    def fts5(self) -> str:
        # Every item quoted: FTS5 then reads it as a phrase, never as its operators (NEAR, OR, -, *, column:).
        return " ".join('"' + " ".join(item) + '"' for item in self.items)

    @property
    def phrases(self) -> tuple[str, ...]:
        return tuple(" ".join(item) for item in self.items)


@dataclass(frozen=True, slots=True)
class PageMatch:
    page_id: int
    document_id: int
    number: int
    score: float  # higher is better, comparable within one query only


def search_query_parse(text: str) -> SearchQuery:
    """The words and "quoted phrases" of a query. All must be on a page for it to match; a term typed with
    punctuation inside ("O'Neil", "2009-03") is the phrase of its parts, as the index holds it."""
    items: list[tuple[str, ...]] = []
    for phrase, word in _TERM.findall(text or ""):
        parts = tuple(part.lower()[:MAX_TERM_LENGTH] for part in _WORD_PART.findall(phrase or word))
        if parts and parts not in items:
            items.append(parts)
    return SearchQuery(text=(text or "").strip(), items=tuple(items[:MAX_TERMS]))


def page_matches(
    *, case_id: int, query: SearchQuery, connection: BaseDatabaseWrapper = default_connection
) -> list[PageMatch]:
    """Every page of this case's records that holds all of the query's words and phrases, best match first."""
    if not query:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tsquery, params = _tsquery(query)
            # The case's records first, then their pages by id, with no join: joined, a planner without fresh
            # statistics (a case just uploaded) guessed one record and ran the index scan, with its phrase
            # rechecks, once per record (1.5 s for a quoted phrase over 5,000 pages; benchmarks/search_benchmark.py).
            cursor.execute("SELECT id FROM evidence_document WHERE case_id = %s", [case_id])
            document_ids = [row[0] for row in cursor.fetchall()]
            if not document_ids:
                return []
            cursor.execute(
                "SELECT p.id, p.document_id, p.number, ts_rank(p.search_vector, q.query) AS score "
                f"FROM evidence_page p, (SELECT {tsquery} AS query) q "
                "WHERE p.document_id = ANY(%s) AND p.search_vector @@ q.query "
                "ORDER BY score DESC, p.document_id, p.number",
                [*params, document_ids],
            )
        else:
            # bm25() is lower for better matches: negated, so that higher is better on both engines.
            cursor.execute(
                "SELECT p.id, p.document_id, p.number, -bm25(evidence_page_fts) AS score "
                "FROM evidence_page_fts JOIN evidence_page p ON p.id = evidence_page_fts.rowid "
                "JOIN evidence_document d ON d.id = p.document_id "
                "WHERE evidence_page_fts MATCH %s AND d.case_id = %s "
                "ORDER BY score DESC, p.document_id, p.number",
                [query.fts5, case_id],
            )
        return [PageMatch(page_id=row[0], document_id=row[1], number=row[2], score=float(row[3]))
                for row in cursor.fetchall()]


def match_spans(
    *, page_ids: Collection[int], query: SearchQuery, connection: BaseDatabaseWrapper = default_connection
) -> dict[int, tuple[tuple[int, int], ...]]:
    """Where the query's words are on each page asked for: (start, end) offsets into the page's text, in order.

    A page the query does not match, or whose text the engine gave back changed, has no spans."""
    if not query or not page_ids:
        return {}
    ids = sorted(set(page_ids))
    placeholders = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            tsquery, params = _tsquery(query)
            options = f'HighlightAll=true, StartSel="{START}", StopSel="{STOP}"'
            cursor.execute(
                f"SELECT p.id, p.text, ts_headline('english', p.text, q.query, %s) "
                f"FROM evidence_page p, (SELECT {tsquery} AS query) q "
                f"WHERE p.id IN ({placeholders}) AND p.search_vector @@ q.query",
                [options, *params, *ids],
            )
        else:
            cursor.execute(
                "SELECT p.id, p.text, highlight(evidence_page_fts, 0, %s, %s) "
                "FROM evidence_page_fts JOIN evidence_page p ON p.id = evidence_page_fts.rowid "
                f"WHERE evidence_page_fts MATCH %s AND evidence_page_fts.rowid IN ({placeholders})",
                [START, STOP, query.fts5, *ids],
            )
        rows = cursor.fetchall()
    spans = {}
    for page_id, text, marked in rows:
        found = spans_of_marked(marked or "", text or "")
        if found is None:
            logger.warning("evidence.search_highlight_mismatch", extra={"page_id": page_id})
            found = ()
        spans[page_id] = found
    return spans


def spans_of_marked(marked: str, text: str) -> tuple[tuple[int, int], ...] | None:
    """The marked ranges of `marked` as offsets into `text`, or None if, marks taken out, it is not `text`."""
    spans: list[tuple[int, int]] = []
    plain: list[str] = []
    offset = 0
    start = None
    for piece in re.split(f"([{START}{STOP}])", marked):
        if piece == START:
            start = offset
        elif piece == STOP:
            if start is not None and offset > start:
                between = text[spans[-1][1]:start] if spans else None  # checked against `text` below
                if between is not None and not between.strip():  # "fourth grade" marked word by word: one span
                    start = spans.pop()[0]
                spans.append((start, offset))
            start = None
        else:
            plain.append(piece)
            offset += len(piece)
    return tuple(spans) if "".join(plain) == text else None


Segments = tuple[tuple[str, bool], ...]  # (text, is it a matched word), in order


def snippet(text: str, spans: tuple[tuple[int, int], ...], *, before: int = 90, after: int = 170) -> Segments:
    """A stretch of the page around its first match, whitespace collapsed, with the matches in it marked."""
    if not spans:
        return ()
    first_start, first_end = spans[0]
    low, high = max(0, first_start - before), min(len(text), first_end + after)
    if low > 0:  # start and end on whole words
        space = text.find(" ", low, first_start)
        low = space + 1 if space != -1 else low
    if high < len(text):
        space = text.rfind(" ", first_end, high)
        high = space if space != -1 else high
    segments: list[tuple[str, bool]] = []
    position = low
    for start, end in spans:
        if end <= low or start >= high:
            continue
        start, end = max(start, low), min(end, high)
        if start > position:
            segments.append((_collapse(text[position:start]), False))
        segments.append((_collapse(text[start:end]), True))
        position = end
    if position < high:
        segments.append((_collapse(text[position:high]), False))
    if low > 0:
        segments.insert(0, ("… ", False))
    if high < len(text):
        segments.append((" …", False))
    return tuple(segments)


def marked_segments(text: str, spans: tuple[tuple[int, int], ...]) -> Segments:
    """The whole text cut at the spans (text unchanged: offsets computed in the browser must still fit it)."""
    segments: list[tuple[str, bool]] = []
    position = 0
    for start, end in spans:
        if start < position or end > len(text):
            continue
        if start > position:
            segments.append((text[position:start], False))
        segments.append((text[start:end], True))
        position = end
    if position < len(text):
        segments.append((text[position:], False))
    return tuple(segments)


_SENTENCE_END = re.compile(r"[.!?][\"')\]]*(?=\s)|\n[ \t]*\n")
MAX_SENTENCE = 400
_TABLE_ROW = re.compile(r"\t|\S {3,}\S.* {3,}\S")  # cells split by tabs (Word, PDF tables) or wide gaps (OCR)


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence (or paragraph, or table row's line) holding the span [start, end): what "add as event" quotes."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    if _TABLE_ROW.search(text[line_start:line_end]):  # a row of a table or form: its line is the statement
        return line_start, line_end
    sentence_start = 0
    for found in _SENTENCE_END.finditer(text, 0, start):
        sentence_start = found.end()
    following = _SENTENCE_END.search(text, end)
    sentence_end = following.end() if following else len(text)
    if following and following.group().startswith("\n"):
        sentence_end = following.start()
    # A long run without a full stop (a form, OCR noise) is cut around the words found.
    sentence_start = max(sentence_start, start - MAX_SENTENCE // 2)
    sentence_end = min(sentence_end, end + MAX_SENTENCE // 2)
    while sentence_start < start and text[sentence_start].isspace():
        sentence_start += 1
    while sentence_end > end and text[sentence_end - 1].isspace():
        sentence_end -= 1
    return sentence_start, sentence_end


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _tsquery(query: SearchQuery) -> tuple[str, list[str]]:
    """A tsquery requiring every item: phraseto_tsquery keeps a phrase's words in order (one word is a phrase of one)."""
    return " && ".join(["phraseto_tsquery('english', %s)"] * len(query.items)), list(query.phrases)


# ---- the SQLite triggers outlive table rebuilds ------------------------------------------------------------------

SQLITE_TRIGGERS = {
    "evidence_page_fts_insert": "CREATE TRIGGER evidence_page_fts_insert AFTER INSERT ON evidence_page BEGIN "
    "INSERT INTO evidence_page_fts(rowid, text) VALUES (new.id, new.text); END",
    "evidence_page_fts_delete": "CREATE TRIGGER evidence_page_fts_delete AFTER DELETE ON evidence_page BEGIN "
    "INSERT INTO evidence_page_fts(evidence_page_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "evidence_page_fts_update": "CREATE TRIGGER evidence_page_fts_update AFTER UPDATE OF text ON evidence_page BEGIN "
    "INSERT INTO evidence_page_fts(evidence_page_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO evidence_page_fts(rowid, text) VALUES (new.id, new.text); END",
}


def search_index_repair(*, connection: BaseDatabaseWrapper = default_connection) -> bool:
    """Put back the SQLite index's triggers if a migration dropped them, and rebuild the index; True if it did.

    Django's SQLite schema editor alters a table by copying it to a new one and dropping the old, which drops the
    old table's triggers: without them the index would silently stop following the pages."""
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name LIKE %s", ["evidence_page%"])
        present = {name for (name,) in cursor.fetchall()}
        if "evidence_page_fts" not in present or "evidence_page" not in present:
            return False  # not migrated that far (or back): the migration makes them
        missing = [name for name in SQLITE_TRIGGERS if name not in present]
        if not missing:
            return False
        for name in missing:
            cursor.execute(SQLITE_TRIGGERS[name])
        cursor.execute("INSERT INTO evidence_page_fts(evidence_page_fts) VALUES ('rebuild')")
    logger.warning("evidence.search_index_repaired", extra={"triggers": missing})
    return True
