"""The life-history taxonomy (shared/taxonomy.md): slugs and human labels, defined once for the project.

Slugs are stable identifiers used by code, fixtures, exports and the evaluation sets; the Django models
import their choices from here. No Django import: the pipeline stays pure Python.
"""

from __future__ import annotations

LIFE_EVENT = "life_event"
SERVICE_ENGAGEMENT = "service_engagement"

KINDS: dict[str, str] = {
    LIFE_EVENT: "Life event",
    SERVICE_ENGAGEMENT: "Service engagement",
}

LIFE_EVENT_CATEGORIES: dict[str, str] = {
    "birth_family": "Birth and family",
    "trauma_abuse": "Trauma and abuse",
    "child_welfare": "Child welfare",
    "education": "Education",
    "health": "Health",
    "mental_health": "Mental health",
    "substance_use": "Substance use",
    "employment": "Employment",
    "housing": "Housing",
    "military": "Military",
    "justice_involvement": "Justice involvement",
    "family_responsibilities": "Family responsibilities",
    "community_ties": "Community ties",
    "achievement": "Achievement",
}

SERVICE_TYPES: dict[str, str] = {
    "substance_use_treatment": "Substance use treatment",
    "mental_health_treatment": "Mental health treatment",
    "medical_care": "Medical care",
    "housing_assistance": "Housing assistance",
    "employment_services": "Employment services",
    "education_services": "Education services",
    "family_services": "Family services",
    "benefits_assistance": "Benefits assistance",
    "civil_legal_services": "Civil legal services",
    "case_management": "Case management",
}

STATUSES: dict[str, str] = {
    "referred": "Referred",
    "enrolled": "Enrolled",
    "active": "Active",
    "completed": "Completed",
    "discontinued": "Discontinued",
}

ALL_CATEGORIES: dict[str, str] = {**LIFE_EVENT_CATEGORIES, **SERVICE_TYPES}

# Django-style choices: [(slug, label), ...]
KIND_CHOICES: list[tuple[str, str]] = list(KINDS.items())
LIFE_EVENT_CHOICES: list[tuple[str, str]] = list(LIFE_EVENT_CATEGORIES.items())
SERVICE_TYPE_CHOICES: list[tuple[str, str]] = list(SERVICE_TYPES.items())
CATEGORY_CHOICES: list[tuple[str, str]] = list(ALL_CATEGORIES.items())
STATUS_CHOICES: list[tuple[str, str]] = list(STATUSES.items())


def kind_of(category: str) -> str:
    """Return the event kind a category slug belongs to; raise KeyError for an unknown slug."""
    if category in LIFE_EVENT_CATEGORIES:
        return LIFE_EVENT
    if category in SERVICE_TYPES:
        return SERVICE_ENGAGEMENT
    raise KeyError(category)


def category_label(category: str) -> str:
    """Return the human label of a category slug (the slug itself if unknown)."""
    return ALL_CATEGORIES.get(category, category)
