"""Where the apps above evidence join in its work (registered in their AppConfig.ready(); evidence imports none)."""

from __future__ import annotations

from dataclasses import dataclass, field

from common.hooks import Hook


@dataclass(frozen=True, slots=True)
class RecordColumn:
    """A column an app adds to the case page's records table."""

    title: str
    values: dict[int, str]  # the text per record id
    busy: frozenset[int] = field(default_factory=frozenset)  # records whose value changes by itself (work under way)


record_read = Hook(
    "record_read",
    signature="(*, document_id: int) -> None; called in the transaction that marks a record's pages all read",
)
record_columns = Hook(
    "record_columns",
    signature="(*, documents: list[Document]) -> RecordColumn; a column of the case page's records table (its "
    "title, its text per record id, and the records whose text is still changing, which the page keeps polling)",
)
page_span_actions = Hook(
    "page_span_actions",
    signature="(*, request: HttpRequest, case: Case, document_id: int, number: int, start: int, end: int) -> "
    "tuple[str, str] | None; a link offered on a span of a page's text (a search hit): its label and URL, or None",
)
record_removing = Hook(
    "record_removing",
    signature="(*, document: Document, actor: Actor) -> dict[str, int]; called in the transaction that removes a "
    "record, before its row goes: let go of it (rows that protect it) and say what was done, in counts for the audit",
)
