"""How engagements joins in the narratives app's work (registered in apps.py; narratives never imports this app):
an accepted proposal of kind service_engagement becomes an engagement, and a section's draft tells each engagement
the client approved with its attendance and status, and the collateral concerns the client allowed."""

from __future__ import annotations

from django.utils import timezone

from audit.services import Actor
from cases.models import Case
from engagements.selectors import client_preference_of, collateral_notes, engagement_facts_for_events
from engagements.services import engagement_create_from_event
from engagements.wording import engagement_sentence
from extraction.pipeline.taxonomy import SERVICE_ENGAGEMENT
from narratives.hooks import FactWording
from narratives.models import TimelineEvent
from narratives.statements import ClientNaming


def on_event_accepted(*, event: TimelineEvent, actor: Actor) -> None:
    if event.kind == SERVICE_ENGAGEMENT:
        engagement_create_from_event(event=event, created_by=actor.user)


def client_naming(*, case: Case) -> ClientNaming | None:
    """The name and pronoun the client chose, recorded with their goals; None while they have not said."""
    preference = client_preference_of(case=case)
    if preference.pk is None:
        return None
    return ClientNaming.of(full_name=case.client_name, pronoun=preference.pronoun,
                           name_in_court=preference.name_in_court)


def draft_wordings(*, case: Case, events: list[TimelineEvent]) -> dict[int, FactWording]:
    """Each engagement's event as an engagement sentence; one found in a record that nobody has worked on yet, in
    the record's own accepted words (told like any other fact)."""
    today = timezone.localdate()
    return {
        event_id: FactWording(summary=fact) if isinstance(fact, str) else FactWording(
            sentence=engagement_sentence(fact, today=today)
        )
        for event_id, fact in engagement_facts_for_events(case=case, events=events).items()
    }


def draft_notes(*, case: Case, categories: list[str], events: list[TimelineEvent]) -> list[str]:
    """For the section about the services the client is in now: the collateral concerns the team may mention."""
    if "civil_legal_services" not in categories:
        return []
    return collateral_notes(case=case, events=events)
