from __future__ import annotations

import datetime
import hashlib

import factory
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from cases.models import Case, CaseMembership
from evidence.models import Document, Page

SAMPLE_RECORD_TEXT = b"Progress note 05/10/2004. In March 2009 he was retained in the fourth grade.\n"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", "a-long-test-password")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case
        skip_postgeneration_save = True

    client_name = "Jordan Q. Sample"
    client_dob = datetime.date(1995, 6, 11)
    docket_number = factory.Sequence(lambda n: f"24-CF-{n:05d}")
    court = "Sample County Superior Court"
    jurisdiction = "State of Sample"
    charges = "Burglary"
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def lead(obj, create, extracted, **kwargs):
        """Whoever opens a case leads it (as case_create does), so services acting as the creator are allowed."""
        if create and extracted is not False:
            CaseMembership.objects.get_or_create(
                case=obj, user=obj.created_by, defaults={"role": CaseMembership.Role.ATTORNEY, "is_lead": True}
            )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseMembership

    case = factory.SubFactory(CaseFactory)
    user = factory.SubFactory(UserFactory)
    role = CaseMembership.Role.MITIGATION_SPECIALIST

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # The case's creator is already its lead attorney: a test giving them another role changes it.
        existing = model_class.objects.filter(case=kwargs["case"], user=kwargs["user"]).first()
        if existing is None:
            return super()._create(model_class, *args, **kwargs)
        existing.role = kwargs.get("role", existing.role)
        existing.is_lead = existing.is_lead and existing.role == CaseMembership.Role.ATTORNEY
        existing.save()
        return existing


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    class Params:
        # Each record's bytes differ: the same file twice in one case is refused (by sha256).
        content = factory.Sequence(lambda n: SAMPLE_RECORD_TEXT + f"(copy {n})\n".encode())

    case = factory.SubFactory(CaseFactory)
    file = factory.LazyAttribute(lambda o: ContentFile(o.content, name="note.txt"))
    original_name = "note.txt"
    file_kind = Document.FileKind.TEXT
    size_bytes = factory.LazyAttribute(lambda o: len(o.content))
    sha256 = factory.LazyAttribute(lambda o: hashlib.sha256(o.content).hexdigest())
    uploaded_by = factory.SelfAttribute("case.created_by")


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Page

    document = factory.SubFactory(DocumentFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "In March 2009 he was retained in the fourth grade."


class EventCandidateFactory(factory.django.DjangoModelFactory):
    """A proposal for the span "retained in the fourth grade" on page 1 of the factory record."""

    class Meta:
        model = "extraction.EventCandidate"

    document = factory.SubFactory(DocumentFactory)
    kind = "life_event"
    category = "education"
    date = "2009-03"
    start = 21
    end = 49
    page = 1
    page_start = 21
    page_end = 49
    sentence = "In March 2009 he was retained in the fourth grade."
    evidence = "retained in the fourth grade"
    confidence = 0.8


class TimelineEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "narratives.TimelineEvent"

    case = factory.SubFactory(CaseFactory)
    kind = "life_event"
    category = "education"
    summary = "Retained in the fourth grade."
    date = "2009-03"
    date_sort = datetime.date(2009, 3, 1)
    created_by = factory.SelfAttribute("case.created_by")


class EventSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "narratives.EventSource"

    event = factory.SubFactory(TimelineEventFactory)
    document = factory.SubFactory(DocumentFactory, case=factory.SelfAttribute("..event.case"))
    page_number = 1
    start = 0
    end = 10
    quote = "In March 2"


class ClientGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "engagements.ClientGoal"

    case = factory.SubFactory(CaseFactory)
    text = "Finish my GED."
    priority = factory.Sequence(lambda n: n + 1)
    created_by = factory.SelfAttribute("case.created_by")


class EngagementFactory(factory.django.DjangoModelFactory):
    """An engagement with its timeline event; services keep the two in step, this factory only makes both."""

    class Meta:
        model = "engagements.Engagement"

    case = factory.SubFactory(CaseFactory)
    event = factory.SubFactory(
        TimelineEventFactory,
        case=factory.SelfAttribute("..case"),
        kind="service_engagement",
        category="education_services",
        status="active",
        summary="GED preparation at Sample Adult Learning Center: active since May 15, 2023.",
        date="2023-05-15",
        date_sort=datetime.date(2023, 5, 15),
    )
    service_type = "education_services"
    program = "GED preparation"
    provider_name = "Sample Adult Learning Center"
    status = "active"
    start_date = "2023-05-15"
    created_by = factory.SelfAttribute("case.created_by")


class EngagementLogEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "engagements.EngagementLogEntry"

    engagement = factory.SubFactory(EngagementFactory)
    date = factory.Sequence(lambda n: datetime.date(2023, 6, 1) + datetime.timedelta(days=n))
    kind = "attended"
    recorded_by = factory.SelfAttribute("engagement.created_by")
