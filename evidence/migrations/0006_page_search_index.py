"""A full-text index of the pages' text, for searching a case's records.

SQLite: an FTS5 table over evidence_page (Porter stemming) kept in step by triggers. PostgreSQL: a stored tsvector
column (English stemming) with a GIN index, computed by the database itself. Either way every write of a page,
whoever makes it, updates the index in the same transaction. The SQL is written out here, not imported, so this
migration means the same thing whatever evidence/search.py becomes (which repairs the SQLite triggers after a later
migration rebuilds the table: see evidence/search.py, search_index_repair)."""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE evidence_page_fts USING fts5("
    "text, content='evidence_page', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER evidence_page_fts_insert AFTER INSERT ON evidence_page BEGIN "
    "INSERT INTO evidence_page_fts(rowid, text) VALUES (new.id, new.text); END",
    "CREATE TRIGGER evidence_page_fts_delete AFTER DELETE ON evidence_page BEGIN "
    "INSERT INTO evidence_page_fts(evidence_page_fts, rowid, text) VALUES ('delete', old.id, old.text); END",
    "CREATE TRIGGER evidence_page_fts_update AFTER UPDATE OF text ON evidence_page BEGIN "
    "INSERT INTO evidence_page_fts(evidence_page_fts, rowid, text) VALUES ('delete', old.id, old.text); "
    "INSERT INTO evidence_page_fts(rowid, text) VALUES (new.id, new.text); END",
    "INSERT INTO evidence_page_fts(evidence_page_fts) VALUES ('rebuild')",  # the pages read before this migration
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS evidence_page_fts_insert",
    "DROP TRIGGER IF EXISTS evidence_page_fts_delete",
    "DROP TRIGGER IF EXISTS evidence_page_fts_update",
    "DROP TABLE IF EXISTS evidence_page_fts",
]
POSTGRESQL_FORWARD = [
    "ALTER TABLE evidence_page ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, text)) STORED",
    "CREATE INDEX evidence_page_search_vector ON evidence_page USING GIN (search_vector)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS evidence_page_search_vector",
    "ALTER TABLE evidence_page DROP COLUMN IF EXISTS search_vector",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0005_page_geometry_and_rendition"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        ),
    ]
