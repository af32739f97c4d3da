"""Full-text search of a case's records, on whichever database the run uses (CI runs SQLite and PostgreSQL)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import reverse

from audit.models import AuditEntry
from evidence.models import Page
from evidence.search import match_spans, page_matches, search_index_repair, search_query_parse, sentence_around
from evidence.services import document_read_text
from tests.factories import DocumentFactory, MembershipFactory, PageFactory

RETAINED = "Progress note. In March 2009 he was retained in the fourth grade. He moved to Arden in May."
GRADE_APART = "The grade report came in the fourth week of term."


def _numbers(case, text):
    return [(m.document_id, m.number) for m in page_matches(case_id=case.pk, query=search_query_parse(text))]


@pytest.mark.django_db
def test_words_are_found_in_their_other_forms():
    page = PageFactory(text=RETAINED)
    case = page.document.case

    assert _numbers(case, "retain") == [(page.document_id, page.number)]
    assert _numbers(case, "RETAINING") == [(page.document_id, page.number)]
    assert _numbers(case, "retention") == []  # a different word, not a form of it


@pytest.mark.django_db
def test_a_quoted_phrase_needs_its_words_together_and_in_order():
    together = PageFactory(text=RETAINED)
    apart = PageFactory(document=together.document, text=GRADE_APART)
    case = together.document.case

    assert _numbers(case, '"fourth grade"') == [(together.document_id, together.number)]
    assert sorted(_numbers(case, "fourth grade")) == sorted(
        [(together.document_id, together.number), (apart.document_id, apart.number)]
    )
    assert _numbers(case, '"grade fourth"') == []


@pytest.mark.django_db
def test_every_word_must_be_on_the_page():
    page = PageFactory(text=RETAINED)
    PageFactory(document=page.document, text="He moved to Arden in May.")

    assert _numbers(page.document.case, "retained Arden") == [(page.document_id, page.number)]


@pytest.mark.django_db
def test_search_operators_typed_by_a_person_are_read_as_words():
    page = PageFactory(text="Referred to NEAR program (OR clinic) for care.")

    for typed in ['NEAR(', '"unclosed phrase', "-care", "care*", "text:care", "OR", '" "']:
        page_matches(case_id=page.document.case_id, query=search_query_parse(typed))  # no error from the engine
    assert _numbers(page.document.case, "-care") == [(page.document_id, page.number)]
    assert not search_query_parse('" " *** ---')


@pytest.mark.django_db
def test_no_page_of_another_case_is_ever_found():
    mine = PageFactory(text=RETAINED)
    theirs = PageFactory(text=RETAINED)  # another case, the same words
    member = MembershipFactory(case=mine.document.case)

    assert _numbers(mine.document.case, "retained") == [(mine.document_id, mine.number)]
    assert _numbers(theirs.document.case, "retained") == [(theirs.document_id, theirs.number)]
    assert match_spans(page_ids=[theirs.pk], query=search_query_parse("retained"))  # the index holds both

    from django.test import Client

    client = Client()
    client.force_login(member.user)
    mine_page = client.get(reverse("evidence:case_search", kwargs={"case_id": mine.document.case_id}), {"q": "retained"})
    theirs_page = client.get(reverse("evidence:case_search", kwargs={"case_id": theirs.document.case_id}),
                             {"q": "retained"})
    body = mine_page.content.decode()
    assert f'data-document-id="{mine.document_id}"' in body
    assert f'data-document-id="{theirs.document_id}"' not in body
    assert theirs_page.status_code == 404
    theirs_at_my_case = client.get(
        reverse("evidence:document_page", kwargs={"case_id": mine.document.case_id, "document_id": theirs.document_id,
                                                  "number": theirs.number}), {"q": "retained"})
    assert theirs_at_my_case.status_code == 404


@pytest.mark.django_db
def test_reading_a_record_again_replaces_its_pages_in_the_index():
    document = DocumentFactory(content=b"He was retained in the fourth grade.\n")
    document_read_text(document_id=document.pk)
    assert _numbers(document.case, "retained") == [(document.pk, 1)]

    document.file.save("note.txt", ContentFile(b"He was suspended for ten days.\n"), save=True)
    document_read_text(document_id=document.pk)

    assert _numbers(document.case, "retained") == []
    assert _numbers(document.case, "suspended") == [(document.pk, 1)]


@pytest.mark.django_db
def test_a_page_whose_text_changes_is_found_by_its_new_words_only():
    page = PageFactory(text=RETAINED)
    Page.objects.filter(pk=page.pk).update(text="Enrolled in a GED class.")

    assert _numbers(page.document.case, "retained") == []
    assert _numbers(page.document.case, "enrolled") == [(page.document_id, page.number)]


@pytest.mark.django_db
def test_spans_are_offsets_of_the_matched_words_in_the_page_text():
    page = PageFactory(text=RETAINED + "\n\nRetained again later.")
    spans = match_spans(page_ids=[page.pk], query=search_query_parse('retain "fourth grade"'))[page.pk]

    assert [page.text[start:end] for start, end in spans][:2] == ["retained", "fourth grade"]
    assert "Retained" in [page.text[start:end] for start, end in spans]


def test_the_sentence_around_a_match_is_what_add_as_event_quotes():
    start = RETAINED.index("retained")
    sentence_start, sentence_end = sentence_around(RETAINED, start, start + len("retained"))
    assert RETAINED[sentence_start:sentence_end] == "In March 2009 he was retained in the fourth grade."


@pytest.mark.django_db
def test_results_are_grouped_by_record_with_pages_snippets_and_add_as_event(client):
    first = PageFactory(number=1, text="Intake. Nothing of note.")
    document = first.document
    PageFactory(document=document, number=2, text=RETAINED)
    PageFactory(document=document, number=5, text="Retained a second time, in 2011.")
    other = PageFactory(text="Court order: the child was retained in care.", document__case=document.case)
    member = MembershipFactory(case=document.case)
    client.force_login(member.user)

    response = client.get(reverse("evidence:case_search", kwargs={"case_id": document.case_id}), {"q": "retained"})
    body = response.content.decode()

    assert response.status_code == 200
    assert "3 pages</strong> in <strong>2 records" in body
    assert body.count('class="card search-record"') == 2
    page_2 = reverse("evidence:document_page", kwargs={"case_id": document.case_id, "document_id": document.pk,
                                                        "number": 2})
    assert f'href="{page_2}?q=retained"' in body
    assert "he was <mark>retained</mark> in the fourth grade" in body
    add = reverse("narratives:event_add_from_page", kwargs={"case_id": document.case_id, "document_id": document.pk,
                                                            "number": 2})
    start = RETAINED.index("In March")
    assert f'href="{add}?start={start}&amp;end={start + len("In March 2009 he was retained in the fourth grade.")}"' in body
    assert f'data-document-id="{other.document_id}"' in body
    assert "Intake" not in body


@pytest.mark.django_db
def test_add_as_event_from_a_hit_offers_the_sentence(client):
    page = PageFactory(text=RETAINED)
    member = MembershipFactory(case=page.document.case)
    client.force_login(member.user)
    results = client.get(reverse("evidence:case_search", kwargs={"case_id": page.document.case_id}), {"q": "retained"})
    href = results.content.decode().split('class="button small" href="')[1].split('"')[0].replace("&amp;", "&")

    form = client.get(href)

    assert form.status_code == 200
    assert "In March 2009 he was retained in the fourth grade." in form.content.decode()
    params = parse_qs(urlsplit(href).query)
    assert RETAINED[int(params["start"][0]):int(params["end"][0])].endswith("fourth grade.")


@pytest.mark.django_db
def test_a_page_opened_from_a_hit_marks_every_match(client):
    page = PageFactory(text=RETAINED + " Retained again.")
    member = MembershipFactory(case=page.document.case)
    client.force_login(member.user)
    url = reverse("evidence:document_page", kwargs={"case_id": page.document.case_id, "document_id": page.document_id,
                                                     "number": page.number})

    body = client.get(url, {"q": "retain"}).content.decode()

    assert body.count('<mark class="hit">') == 2
    assert "he was <mark class=\"hit\">retained</mark> in the fourth" in body
    assert "Back to the search" in body


@pytest.mark.django_db
def test_every_case_page_has_the_search_box_and_a_search_is_audited_without_its_words(client):
    page = PageFactory(text=RETAINED)
    member = MembershipFactory(case=page.document.case)
    client.force_login(member.user)

    case_page = client.get(reverse("cases:case_detail", kwargs={"case_id": page.document.case_id})).content.decode()
    client.get(reverse("evidence:case_search", kwargs={"case_id": page.document.case_id}), {"q": "retained Arden"})

    assert 'class="case-search"' in case_page
    entry = AuditEntry.objects.get(action=AuditEntry.Action.RECORDS_SEARCHED)
    assert entry.case_id == page.document.case_id and entry.detail == {"records": 1, "pages": 1}
    assert "retained" not in str(entry.detail)


@pytest.mark.django_db
def test_a_search_of_nothing_searchable_says_so(client):
    page = PageFactory(text=RETAINED)
    member = MembershipFactory(case=page.document.case)
    client.force_login(member.user)
    url = reverse("evidence:case_search", kwargs={"case_id": page.document.case_id})

    assert "holds no letters or digits" in client.get(url, {"q": "*** --"}).content.decode()
    assert "No page of this case" in client.get(url, {"q": "zebra"}).content.decode()
    assert client.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL computes the index in a column, no triggers")
def test_sqlite_index_triggers_dropped_by_a_table_rebuild_are_put_back():
    page = PageFactory(text=RETAINED)
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER evidence_page_fts_insert")
    unindexed = PageFactory(document=page.document, text="Enrolled in a GED class.")
    assert _numbers(page.document.case, "enrolled") == []

    assert search_index_repair(connection=connection) is True

    assert _numbers(page.document.case, "enrolled") == [(unindexed.document_id, unindexed.number)]
    assert search_index_repair(connection=connection) is False


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL computes the index in a column, no triggers")
def test_every_migrate_puts_back_triggers_a_table_rebuild_dropped():
    """A later migration that alters evidence_page (SQLite copies the table) must not leave the index behind."""
    from django.core.management import call_command

    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER evidence_page_fts_update")
    page = PageFactory(text=RETAINED)

    call_command("migrate", verbosity=0, interactive=False)
    Page.objects.filter(pk=page.pk).update(text="Enrolled in a GED class.")

    assert _numbers(page.document.case, "enrolled") == [(page.document_id, page.number)]
    assert _numbers(page.document.case, "retained") == []


@pytest.mark.parametrize("row", [
    "2002-03\t2\t38\tU\tRETAINED - repeat grade 2",
    "Harlow MS   Fighting   3-day out-of-school suspension",
])
def test_a_match_in_a_table_row_quotes_the_row(row):
    text = f"Year\tGrade\tStatus\n{row}\nCERTIFICATION. Records are released under FERPA."
    start = text.index(row) + row.index(row.split()[2])
    assert text[slice(*sentence_around(text, start, start + 2))] == row
