"""Court exports end to end: refusal of withheld facts, the Rule 49.1 pass, files, lettering, access, command."""

from __future__ import annotations

import datetime
import hashlib
import io

import docx
import pypdfium2 as pdfium
import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from audit.models import AuditEntry
from audit.services import Actor
from evidence.models import Document, Page
from exports.assemble import export_data
from cases.services import case_court_set
from exports.models import CaseExportSettings, Export
from exports.services import ExportRefused, export_create, export_render, privacy_findings
from narratives.models import Consent
from narratives.richtext import citation_link
from narratives.services import narrative_create, section_move, section_remove, section_save
from tests.factories import DocumentFactory, EventSourceFactory, MembershipFactory, TimelineEventFactory

pytestmark = pytest.mark.django_db

SSN = "412-55-7789"
SCHOOL_TEXT = (
    "BRENNAN COUNTY SCHOOLS\nStudent: Jordan Sample   DOB: 06/11/1995   SSN: " + SSN + "\n"
    "In March 2009 he was retained in the fourth grade.\n"
)
CPS_TEXT = "COUNTY CHILD WELFARE\nOn 02/08/2000 the children were taken into protective custody.\n"


def _record(case, name, text, source):
    content = text.encode()
    document = DocumentFactory(case=case, file=ContentFile(content, name=name), original_name=name, content=content,
                               source=source, status=Document.Status.READY, page_count=1, pages_done=1)
    Page.objects.create(document=document, number=1, text=text)
    return document


@pytest.fixture
def filing():
    """A case with two records, two approved facts and a narrative citing the CPS fact first."""
    from tests.factories import CaseFactory

    case = CaseFactory(client_name="Jordan Sample")
    school = _record(case, "school.txt", SCHOOL_TEXT, "Brennan County Schools")
    cps = _record(case, "cps.txt", CPS_TEXT, "County Child Welfare")
    retained = TimelineEventFactory(case=case, category="education", summary="He was retained in the fourth grade.",
                                    consent=Consent.APPROVED)
    EventSourceFactory(event=retained, document=school, page_number=1, start=70, end=118)
    removed = TimelineEventFactory(case=case, category="child_welfare", summary="He was taken into custody.",
                                   date="2000-02", date_sort="2000-02-01", consent=Consent.APPROVED)
    EventSourceFactory(event=removed, document=cps, page_number=1, start=21, end=80)
    user = MembershipFactory(case=case, role="attorney").user  # filing versions are the attorney's
    narrative = narrative_create(case=case, title="Mitigation", created_by=user)
    early = narrative.sections.get(title="Early childhood and family")
    education = narrative.sections.get(title="Education")
    section_save(section=early, body="<p>He was removed. " + citation_link(event_id=removed.pk, href="#", label="x") + "</p>",
                 expected_version=0, actor=Actor(user=user))
    section_save(section=education, body="<p>He was held back. " + citation_link(event_id=retained.pk, href="#", label="x") + "</p>",
                 expected_version=0, actor=Actor(user=user))
    _ready_to_file(case, narrative)
    return case, narrative, user, {"school": school, "cps": cps}, {"retained": retained, "removed": removed}


def _ready_to_file(case, narrative) -> None:
    """What the filing checks ask of a case: its court and prosecutor, a signer, and no empty section."""
    case_court_set(case=case, actor=Actor(user=case.created_by), court_system="state", court="Brennan County Superior Court",
                   jurisdiction="State of Arden", prosecuting_office="Brennan County District Attorney's Office")
    CaseExportSettings.objects.update_or_create(case=case, defaults={
        "signer_name": "Elaine Kroft", "bar_number": "AR 041977", "signature_date": datetime.date(2024, 5, 6)})
    for section in narrative.sections.all():
        if not section.body.strip():
            section_remove(section=section, actor=Actor(user=case.created_by))


def _pdf_text(data: bytes) -> str:
    pdf = pdfium.PdfDocument(data)
    return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


def _export(narrative, user, sealed=False):
    redactions = {}
    if not sealed:
        findings = privacy_findings(data=export_data(narrative=narrative, sealed=False), case=narrative.case)
        redactions = {f.finding.text: f.finding.replacement for f in findings}
    export = export_create(narrative=narrative, actor=Actor(user=user), sealed=sealed, redactions=redactions)
    assert export_render(export_id=export.pk)
    export.refresh_from_db()
    return export


def test_exhibit_letters_follow_first_citation_and_are_recomputed_after_reordering(filing):
    case, narrative, user, documents, _events = filing

    before = export_data(narrative=narrative, sealed=False)
    section_move(section=narrative.sections.get(title="Education"), offset=-3, actor=Actor(user=user))
    after = export_data(narrative=narrative, sealed=False)

    assert [(e.letter, e.document_id) for e in before.exhibits] == [("A", documents["cps"].pk), ("B", documents["school"].pk)]
    assert [(e.letter, e.document_id) for e in after.exhibits] == [("A", documents["school"].pk), ("B", documents["cps"].pk)]


def test_the_public_export_reduces_ssn_and_birth_date_everywhere_and_the_sealed_keeps_them(filing):
    case, narrative, user, _documents, _events = filing

    public = _export(narrative, user)
    sealed = _export(narrative, user, sealed=True)

    public_packet = _pdf_text(public.packet_file.read())
    assert SSN not in public_packet and "06/11/1995" not in public_packet
    assert "7789" in public_packet  # the rule's reduction: the last four digits stay
    assert "PUBLIC" in _pdf_text(public.pdf_file.read())
    sealed_packet = _pdf_text(sealed.packet_file.read())
    assert SSN in sealed_packet and "06/11/1995" in sealed_packet
    assert "FILED UNDER SEAL" in _pdf_text(sealed.pdf_file.read())


def test_files_carry_citations_to_exhibits_with_bates_pages_and_their_sha256(filing):
    case, narrative, user, _documents, _events = filing

    export = _export(narrative, user)

    pdf_text = " ".join(_pdf_text(export.pdf_file.read()).split())
    assert "(Ex. A, County Child Welfare Records, at 1 [SAMPLE-000001])" in pdf_text
    assert "(Ex. B, Brennan County Schools Records, at 1 [SAMPLE-000002])" in pdf_text
    packet = _pdf_text(export.packet_file.read())
    assert "SAMPLE-000001" in packet and "SAMPLE-000002" in packet
    paragraphs = [p.text for p in docx.Document(io.BytesIO(export.docx_file.read())).paragraphs]
    assert any("Ex. A, County Child Welfare Records, at 1" in p for p in paragraphs)
    for field in ("docx", "pdf", "packet"):
        stored = getattr(export, f"{field}_file")
        stored.seek(0)
        assert hashlib.sha256(stored.read()).hexdigest() == getattr(export, f"{field}_sha256")


def test_an_export_citing_a_withheld_fact_is_refused_naming_it(filing, client):
    case, narrative, user, _documents, events = filing
    events["removed"].consent = Consent.WITHHELD
    events["removed"].save()

    with pytest.raises(ExportRefused, match="He was taken into custody") as refused:
        export_create(narrative=narrative, actor=Actor(user=user), sealed=False)
    client.force_login(user)
    page = client.get(reverse("exports:export_prepare", kwargs={"case_id": case.pk, "narrative_id": narrative.pk}))
    posted = client.post(reverse("exports:export_prepare", kwargs={"case_id": case.pk, "narrative_id": narrative.pk}),
                         {"export": "1"}, follow=True)

    assert refused.value.events == (events["removed"],)
    assert "cannot be exported yet" in page.content.decode() and "He was taken into custody" in page.content.decode()
    assert "withheld" in posted.content.decode()
    assert not Export.objects.exists()


def test_the_web_export_queues_a_job_shows_findings_and_downloads_are_checked_and_logged(filing, client, sent_tasks,
                                                                                      django_capture_on_commit_callbacks):
    case, narrative, user, _documents, _events = filing
    client.force_login(user)
    url = reverse("exports:export_prepare", kwargs={"case_id": case.pk, "narrative_id": narrative.pk})

    page = client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"export": "1", "redact": ["0", "1"]})
    export = Export.objects.get()
    export_render(export_id=export.pk)
    download = reverse("exports:export_download", kwargs={"case_id": case.pk, "narrative_id": narrative.pk,
                                                          "export_id": export.pk, "kind": "pdf"})
    mine = client.get(download)
    client.force_login(MembershipFactory().user)  # on another case's team
    theirs = client.get(download)

    assert "Privacy review" in page and SSN in page  # shown in context to the reviewer
    assert response.status_code == 302 and sent_tasks == [("exports.tasks.export_render", (export.pk,))]
    assert len(export.redactions) == 2
    assert mine.status_code == 200 and b"".join(mine.streaming_content)[:4] == b"%PDF"
    assert theirs.status_code == 404
    assert list(AuditEntry.objects.filter(case_id=case.pk, action__in=["exported", "export_downloaded"])
                .values_list("action", flat=True).order_by("pk")) == ["exported", "export_downloaded"]


def test_export_narrative_command_writes_three_files_and_fails_clearly_when_refused(filing, tmp_path):
    case, narrative, user, _documents, events = filing

    call_command("export_narrative", "--case", case.docket_number, "--out", str(tmp_path / "out"))

    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["exhibits.pdf", "narrative.docx", "narrative.pdf"]
    # Audited once, by the service, as the web export is: the case's creator, from no browser.
    (entry,) = AuditEntry.objects.filter(case_id=case.pk, action="exported")
    assert (entry.user, entry.ip_address, entry.object_id) == (case.created_by, None, str(Export.objects.get().pk))
    assert SSN not in _pdf_text((tmp_path / "out" / "exhibits.pdf").read_bytes())
    events["retained"].consent = Consent.WITHHELD
    events["retained"].save()
    with pytest.raises(CommandError, match="Export refused.*retained in the fourth grade"):
        call_command("export_narrative", "--case", case.docket_number, "--out", str(tmp_path / "again"))
    with pytest.raises(CommandError, match="No case"):
        call_command("export_narrative", "--case", "nope", "--out", str(tmp_path))


def test_export_narrative_command_obeys_the_roles_a_specialist_drafts_but_does_not_file(filing, tmp_path):
    case, _narrative, _user, _documents, _events = filing
    specialist = MembershipFactory(case=case, role="mitigation_specialist").user

    with pytest.raises(CommandError, match="may not make exports for filing"):
        call_command("export_narrative", "--case", case.docket_number, "--out", str(tmp_path / "filed"),
                     "--as-user", specialist.username)
    call_command("export_narrative", "--case", case.docket_number, "--out", str(tmp_path / "draft"), "--draft",
                 "--as-user", specialist.username)

    assert Export.objects.get().purpose == "draft"
    assert "DRAFT — NOT FOR FILING" in _pdf_text((tmp_path / "draft" / "narrative.pdf").read_bytes())


def test_an_export_left_running_by_a_dead_worker_is_queued_again(filing, sent_tasks, django_capture_on_commit_callbacks):
    import datetime

    from django.utils import timezone

    from common.jobs import jobs_requeue_stuck
    from exports.tasks import EXPORT_RENDERING

    case, narrative, user, _documents, _events = filing
    export = Export.objects.create(case=case, narrative=narrative, requested_by=user, status=Export.Status.RUNNING,
                                   started_at=timezone.now() - datetime.timedelta(hours=3))
    fresh = Export.objects.create(case=case, narrative=narrative, requested_by=user, status=Export.Status.RUNNING,
                                  started_at=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        requeued = jobs_requeue_stuck(kind=EXPORT_RENDERING, older_than=datetime.timedelta(hours=1))

    assert requeued == [export.pk] and sent_tasks == [("exports.tasks.export_render", (export.pk,))]
    assert Export.objects.get(pk=fresh.pk).status == Export.Status.RUNNING


def test_the_server_refuses_a_public_export_with_no_decisions_or_a_required_finding_dropped(filing, client):
    case, narrative, user, _documents, _events = filing

    with pytest.raises(ExportRefused, match="decisions"):
        export_create(narrative=narrative, actor=Actor(user=user), sealed=False)
    with pytest.raises(ExportRefused, match=r"ssn in Ex\. B, page 1"):
        export_create(narrative=narrative, actor=Actor(user=user), sealed=False, redactions={})
    client.force_login(user)
    url = reverse("exports:export_prepare", kwargs={"case_id": case.pk, "narrative_id": narrative.pk})
    posted = client.post(url, {"export": "1"}, follow=True)  # every box unchecked, as a hand-made POST would
    assert "would be left in full" in posted.content.decode()
    assert not narrative.exports.exists()
    sealed = export_create(narrative=narrative, actor=Actor(user=user), sealed=True)  # under seal nothing is reduced
    assert sealed.pk


def test_the_exhibit_index_gives_each_exhibits_bates_range_and_the_word_file_is_ours(filing):
    _case, narrative, user, _documents, _events = filing

    export = _export(narrative, user, sealed=True)

    word = docx.Document(io.BytesIO(export.docx_file.read()))
    index = word.tables[-1]
    assert [c.text for c in index.rows[0].cells][-1] == "Bates numbers"
    assert [c.text for c in index.rows[1].cells][-1] == "SAMPLE-000001 – SAMPLE-000001"
    assert word.core_properties.created.year >= 2025 and word.core_properties.author == ""
    app = next(p for p in word.part.package.parts if p.partname == "/docProps/app.xml")
    assert b"Mitigation Narrative Builder" in app.blob and b"Macintosh" not in app.blob


TREATMENT_TEXT = (
    "CRESTLINE RECOVERY SERVICES\nThis record is protected by federal confidentiality rules (42 CFR Part 2).\n"
    "Client admitted to the intensive outpatient program.\n"
)


def _with_withheld_and_notice(filing):
    case, narrative, user, documents, events = filing
    treatment = _record(case, "treatment.txt", TREATMENT_TEXT, "Crestline Recovery Services")
    # A fact the client withheld, stated on the school record's page: not cited, but the page goes to court.
    withheld = TimelineEventFactory(case=case, category="education", summary="He was retained.",
                                    consent=Consent.WITHHELD)
    start = SCHOOL_TEXT.index("In March 2009")
    EventSourceFactory(event=withheld, document=documents["school"], page_number=1, start=start,
                       end=start + len("In March 2009 he was retained in the fourth grade."))
    return case, narrative, user, {**documents, "treatment": treatment}


def _public(narrative, user, decisions):
    findings = privacy_findings(data=export_data(narrative=narrative, sealed=False, all_records=True),
                                case=narrative.case)
    export = export_create(narrative=narrative, actor=Actor(user=user), sealed=False, all_records=True,
                           redactions={f.finding.text: f.finding.replacement for f in findings}, decisions=decisions)
    assert export_render(export_id=export.pk), export.failure_reason
    export.refresh_from_db()
    return export


def test_withheld_pages_and_notice_records_must_be_decided_before_a_public_export(filing):
    case, narrative, user, documents = _with_withheld_and_notice(filing)
    data = export_data(narrative=narrative, sealed=False, all_records=True)
    from exports.filing import filing_items

    items = {item.key: item for item in filing_items(data=data, case=case)}

    assert set(items) == {f"page:{documents['school'].pk}:1", f"record:{documents['treatment'].pk}"}
    assert "42 CFR Part 2" in items[f"record:{documents['treatment'].pk}"].what
    with pytest.raises(ExportRefused, match="2 filing decision"):
        _public(narrative, user, {})


def test_a_withheld_passage_is_reduced_and_a_notice_record_filed_under_seal(filing):
    _case, narrative, user, documents = _with_withheld_and_notice(filing)

    export = _public(narrative, user, {f"page:{documents['school'].pk}:1": "reduce",
                                       f"record:{documents['treatment'].pk}": "seal"})

    packet = " ".join(_pdf_text(export.packet_file.read()).split())
    assert "retained in the fourth grade" not in packet and "[withheld]" in packet
    assert "BRENNAN COUNTY SCHOOLS" in packet  # the rest of the page is still there
    assert "Filed under seal" in packet and "intensive outpatient" not in packet
    assert export.decisions == {f"page:{documents['school'].pk}:1": "reduce",
                                f"record:{documents['treatment'].pk}": "seal"}


def test_a_page_left_out_keeps_its_bates_number(filing):
    _case, narrative, user, documents = _with_withheld_and_notice(filing)

    export = _public(narrative, user, {f"page:{documents['school'].pk}:1": "omit",
                                       f"record:{documents['treatment'].pk}": "public"})

    packet = " ".join(_pdf_text(export.packet_file.read()).split())
    assert "retained in the fourth grade" not in packet and "BRENNAN COUNTY SCHOOLS" not in packet
    assert "This page is not included in this filing. Ex. B · SAMPLE-000002" in packet
    assert "intensive outpatient" in packet  # filed publicly, as decided


def test_export_narrative_accepts_the_safe_defaults_and_says_what_it_decided(filing, tmp_path):
    case, narrative, _user, documents = _with_withheld_and_notice(filing)
    out = io.StringIO()

    with pytest.raises(CommandError, match=f"record:{documents['treatment'].pk}"):
        call_command("export_narrative", "--case", case.docket_number, "--all-records", "--out", str(tmp_path))
    call_command("export_narrative", "--case", case.docket_number, "--all-records", "--accept-defaults",
                 "--out", str(tmp_path), stdout=out)

    printed = out.getvalue()
    assert "Filing decision: Ex. C (substance use treatment record under 42 CFR Part 2" in printed
    assert "File it under seal" in printed and "Reduce the passage" in printed
    packet = " ".join(_pdf_text((tmp_path / "exhibits.pdf").read_bytes()).split())
    assert "[withheld]" in packet and "Filed under seal" in packet
