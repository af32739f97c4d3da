"""Load the fictional demo case (client A of the sample set) with a demo user per role.

Everything goes through the apps' services as each demo user, so the demo is audited like work done in the browser.
Running it twice changes nothing: users, the case and its records are found again, not duplicated."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from audit.services import Actor
from cases.models import Case, CaseMembership
from cases.selectors import case_for_docket, case_role_of
from cases.services import case_court_set, case_create, case_member_set
from demo.advocate import demo_advocate_work
from demo.counsel import counsel_writes_the_frame
from demo.review import review_like_the_gold
from engagements.services import client_preference_set
from evidence.models import Document
from evidence.services import DuplicateRecord, RecordRejected, document_read_text, document_upload
from extraction.services import document_extract
from exports.assemble import export_settings_for
from exports.services import export_settings_set
from narratives.services import narrative_assemble_draft, narrative_create

DEMO_PASSWORD = "demo-mitigation-2026"
DEMO_DOCKET = "23-CF-00417"
# The fictional State of Arden's court, its rule on redacting public filings, its prosecutor and the signer.
DEMO_PRIVACY_RULE = "Ard. R. Crim. P. 4.6"
DEMO_PROSECUTOR = "the Brennan County District Attorney's Office"
DEMO_SIGNER = {
    "signer_name": "Elaine Kroft",
    "bar_number": "AR 041977",
    "signer_title": "Assistant Public Defender",
    "office": "Brennan County Public Defender's Office",
    "address": "220 Courthouse Square, Suite 400\nWexbridge, AD 40910",
    "phone": "(555) 014-2200",
    "email": "ekroft@brennanpd.example",
    "certificate_of_service": "the court's electronic filing system",
}

DEMO_USERS = [
    # username, first, last, role
    ("attorney", "Elaine", "Kroft", CaseMembership.Role.ATTORNEY),
    ("specialist", "Marisol", "Vega", CaseMembership.Role.MITIGATION_SPECIALIST),
    ("advocate", "Nadia", "Farrow", CaseMembership.Role.ADVOCATE),
    ("supervisor", "Russell", "Okafor", CaseMembership.Role.SUPERVISOR),
]

# What a paralegal would type when uploading each sample record (all fictional).
DEMO_RECORD_DETAILS = {
    "A01": (Document.RecordType.MEDICAL, "St. Aldric Regional Medical Center"),
    "A02": (Document.RecordType.CHILD_WELFARE, "Brennan County Department of Children and Family Services"),
    "A03": (Document.RecordType.SCHOOL, "Wexbridge Public Schools"),
    "A04": (Document.RecordType.COURT, "Brennan County Juvenile Court"),
    "A05": (Document.RecordType.MENTAL_HEALTH, "Defense-retained psychologist"),
    "A06": (Document.RecordType.TREATMENT, "Crestline Recovery Services"),
    "A07": (Document.RecordType.EMPLOYMENT, "Employer"),
    "A08": (Document.RecordType.OTHER, "Emergency shelter"),
    "A09": (Document.RecordType.LETTER, "Family and community"),
    "A10": (Document.RecordType.OTHER, "Bridgeway Advocacy Partners"),
}


class Command(BaseCommand):
    help = "Load the fictional demo case with one demo user per role (safe to run again)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--now",
            action="store_true",
            help="Also read every record and find its events in this process, instead of the worker, then review "
            "the proposals as a specialist would and draft a narrative (for the demo, scripts and CI).",
        )
        parser.add_argument(
            "--allow-in-production",
            action="store_true",
            help="Load even though DEBUG is off (demo users have a published password).",
        )

    def handle(self, *args, now: bool, allow_in_production: bool, **options) -> None:
        if not settings.DEBUG and not allow_in_production:
            raise CommandError(
                "DEBUG is off: this looks like production, and the demo users have a published password. "
                "Pass --allow-in-production if this really is a demo machine."
            )
        records_dir = Path(settings.DEMO_RECORDS_DIR)
        if not records_dir.is_dir():
            raise CommandError(f"Demo records folder not found: {records_dir}")

        users = self._users()
        case = self._case(users)
        documents = self._records(case, users["specialist"], records_dir)
        if now:
            for document in documents:
                document.refresh_from_db()
                if document.status != Document.Status.READY:
                    document_read_text(document_id=document.pk)
                    document.refresh_from_db()
                if not document.event_candidates.exists():
                    document_extract(document_id=document.pk)
                self.stdout.write(
                    f"  {document.original_name}: {document.get_status_display()}, {document.page_count} pages, "
                    f"{document.event_candidates.count()} proposals"
                )
            if not case.timeline_events.exists():
                # how the client wants to be named is asked at intake, before any fact is written about him
                client_preference_set(case=case, name_in_court="Mr. Ashby", pronoun="he",
                                      actor=Actor(user=users["advocate"]))
                reviewed = review_like_the_gold(case=case, gold_dir=records_dir.parent / "gold",
                                                reviewer=Actor(user=users["specialist"]))
                self.stdout.write(
                    f"  reviewed as a specialist would: {reviewed.accepted} accepted, {reviewed.merged} merged, "
                    f"{reviewed.rejected} rejected; consent recorded, one fact withheld"
                )
            if demo_advocate_work(case=case, advocate=Actor(user=users["advocate"]),
                                  consent_recorder=Actor(user=users["specialist"])):
                self.stdout.write("  the Advocate's work recorded: goals, followed engagements, contacts, referrals")
            if not case.narratives.exists():
                narrative = narrative_create(
                    case=case, title="Sentencing memorandum — mitigation", created_by=users["specialist"]
                )
                narrative_assemble_draft(narrative=narrative, actor=Actor(user=users["specialist"]))
                counsel_writes_the_frame(narrative=narrative, attorney=Actor(user=users["attorney"]))
                self.stdout.write(f"  narrative “{narrative.title}” drafted from the timeline; counsel wrote the "
                                  "introduction, the client's goals and the conclusion")

        self.stdout.write(self.style.SUCCESS(f"Demo case {case.docket_number} ({case.client_name}) is loaded."))
        self.stdout.write("Log in at http://127.0.0.1:8000/ with one of these (password for all: %s):" % DEMO_PASSWORD)
        for username, first, last, role in DEMO_USERS:
            self.stdout.write(f"  {username:<11} {first} {last}, {role.label}")

    def _users(self) -> dict:
        User = get_user_model()
        users = {}
        for username, first, last, _role in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"first_name": first, "last_name": last}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                if username == "supervisor":
                    user.is_staff = True
                    user.is_superuser = True
                user.save()
            users[username] = user
        return users

    @transaction.atomic
    def _case(self, users: dict) -> Case:
        attorney = Actor(user=users["attorney"])
        case = case_for_docket(docket_number=DEMO_DOCKET) or case_create(
            actor=attorney,
            creator_role=CaseMembership.Role.ATTORNEY,
            docket_number=DEMO_DOCKET,
            client_name="Devon Michael Ashby",
            client_dob=datetime.date(1995, 6, 11),
            court="Brennan County Superior Court",
            jurisdiction="State of Arden",
            court_system=Case.CourtSystem.STATE,
            privacy_rule=DEMO_PRIVACY_RULE,
            prosecuting_office=DEMO_PROSECUTOR,
            charges="Robbery in the Second Degree; Burglary",
            stage=Case.Stage.PRETRIAL,
            client_goals=(
                "Stay in treatment and keep my job at the bakery. Be there for my daughter. "
                "Finish my GED. I don't want my time in foster care talked about in open court "
                "unless it really helps."
            ),
        )
        for username, _first, _last, role in DEMO_USERS:
            if case_role_of(case=case, user=users[username]) is None:
                case_member_set(case=case, user=users[username], role=role, actor=attorney)
        if not case.prosecuting_office:  # a demo loaded before cases recorded their court
            case_court_set(case=case, actor=attorney, court_system=Case.CourtSystem.STATE,
                           privacy_rule=DEMO_PRIVACY_RULE, prosecuting_office=DEMO_PROSECUTOR)
        if not export_settings_for(case=case).signer_name:
            export_settings_set(case=case, **DEMO_SIGNER, signature_date=timezone.localdate())
        return case

    def _records(self, case: Case, uploader, records_dir: Path) -> list[Document]:
        documents = []
        for path in sorted(p for p in records_dir.iterdir() if p.is_file()):
            record_type, source = DEMO_RECORD_DETAILS.get(path.name[:3], ("", ""))
            with path.open("rb") as handle:
                try:
                    document = document_upload(
                        case=case,
                        file=File(handle, name=path.name),
                        actor=Actor(user=uploader),
                        record_type=record_type,
                        source=source,
                    )
                except DuplicateRecord as duplicate:
                    document = duplicate.existing
                except RecordRejected as rejection:
                    raise CommandError(f"{path.name}: {rejection.message}") from rejection
            documents.append(document)
        return documents
