"""Where the apps above narratives join in its work, registered in their AppConfig.ready() (narratives imports none
of them): accepting a proposal, and wording a section's draft."""

from __future__ import annotations

from dataclasses import dataclass

from common.hooks import Hook


@dataclass(frozen=True, slots=True)
class FactWording:
    """How a draft tells one event, from an app that knows more about it than the event's one-line summary."""

    summary: str = ""  # told like any fact, in its life period, in these words instead of the summary
    sentence: str = ""  # written in full: a paragraph of its own, used as it is


client_naming = Hook(
    "client_naming",
    signature="(*, case: Case) -> ClientNaming | None; how the client wants to be named and referred to in what the "
    "team writes (the first answer that is not None is used)",
)
event_accepted = Hook(
    "event_accepted",
    signature="(*, event: TimelineEvent, actor: Actor) -> None; in the transaction that puts an accepted proposal "
    "on the timeline",
)
draft_wordings = Hook(
    "draft_wordings",
    signature="(*, case: Case, events: list[TimelineEvent]) -> dict[int, FactWording]; how to tell some of the "
    "client-approved events a section's draft is assembled from, by event id",
)
draft_notes = Hook(
    "draft_notes",
    signature="(*, case: Case, categories: list[str], events: list[TimelineEvent]) -> list[str]; closing sentences "
    "(citing no record) the team chose to allow in a section that draws on these categories",
)
