"""Where the apps above evidence join in its work (registered in their AppConfig.ready(); evidence imports none)."""

from __future__ import annotations

from common.hooks import Hook

record_read = Hook(
    "record_read",
    signature="(*, document_id: int) -> None; called in the transaction that marks a record's pages all read",
)
record_columns = Hook(
    "record_columns",
    signature="(*, documents: list[Document]) -> tuple[str, dict[int, str]]; a column of the case page's records "
    "table: its title and the text per document id",
)
page_span_actions = Hook(
    "page_span_actions",
    signature="(*, request: HttpRequest, case: Case, document_id: int, number: int, start: int, end: int) -> "
    "tuple[str, str] | None; a link offered on a span of a page's text (a search hit): its label and URL, or None",
)
