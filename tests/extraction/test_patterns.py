"""The rules are data: every pattern file loads, names valid slugs and compiles to spaCy token patterns."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import spacy
from spacy.matcher import Matcher

from extraction.pipeline import taxonomy
from extraction.pipeline.lexicon import (
    PATTERN_DIR,
    SUBJECT_CLASSES,
    PatternError,
    compile_phrase,
    load_lexicon,
    load_rules,
)
from extraction.pipeline.nlp import lexicon_of, load_nlp

TAXONOMY_MD = Path(__file__).resolve().parents[3] / "shared" / "taxonomy.md"  # shared/ sits beside the project
SPECIAL_FILES = {"context", "persons", "statuses", "ignore"}
OTHER_OWNERS = {"dates"}  # patterns/dates.json belongs to dates.py


@pytest.fixture(scope="module")
def tokenizer():
    return spacy.blank("en").tokenizer


def _entries(path: Path) -> list[dict]:
    return [
        json.loads(line)
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith("//")
    ]


def test_taxonomy_slugs_are_the_documented_ones():
    assert set(taxonomy.LIFE_EVENT_CATEGORIES) == {
        "birth_family",
        "trauma_abuse",
        "child_welfare",
        "education",
        "health",
        "mental_health",
        "substance_use",
        "employment",
        "housing",
        "military",
        "justice_involvement",
        "family_responsibilities",
        "community_ties",
        "achievement",
    }
    assert set(taxonomy.SERVICE_TYPES) == {
        "substance_use_treatment",
        "mental_health_treatment",
        "medical_care",
        "housing_assistance",
        "employment_services",
        "education_services",
        "family_services",
        "benefits_assistance",
        "civil_legal_services",
        "case_management",
    }
    assert set(taxonomy.STATUSES) == {"referred", "enrolled", "active", "completed", "discontinued"}
    assert taxonomy.kind_of("education") == "life_event"
    assert taxonomy.kind_of("case_management") == "service_engagement"
    assert dict(taxonomy.CATEGORY_CHOICES)["trauma_abuse"] == "Trauma and abuse"


@pytest.mark.skipif(not TAXONOMY_MD.exists(), reason="shared/taxonomy.md is not on this machine")
def test_taxonomy_matches_taxonomy_md():
    documented = set(re.findall(r"^\| `([a-z_]+)` \|", TAXONOMY_MD.read_text(encoding="utf-8"), re.M))
    assert documented == set(taxonomy.ALL_CATEGORIES) | set(taxonomy.STATUSES)


def test_every_jsonl_file_is_a_category_or_a_known_rule_file():
    for path in PATTERN_DIR.glob("*.jsonl"):
        assert path.stem in taxonomy.ALL_CATEGORIES or path.stem in SPECIAL_FILES | OTHER_OWNERS, path.name


def test_every_category_has_trigger_patterns():
    stems = {p.stem for p in PATTERN_DIR.glob("*.jsonl")}
    assert set(taxonomy.ALL_CATEGORIES) <= stems


@pytest.mark.parametrize(
    "path",
    sorted(p for p in PATTERN_DIR.glob("*.jsonl") if p.stem in taxonomy.ALL_CATEGORIES),
    ids=lambda p: p.stem,
)
def test_trigger_file_entries_name_their_category_and_compile(path, tokenizer):
    matcher = Matcher(tokenizer.vocab, validate=True)
    ids = set()
    for entry in _entries(path):
        assert entry["category"] == path.stem
        assert entry["id"].startswith(path.stem + "."), entry["id"]
        assert entry["id"] not in ids
        ids.add(entry["id"])
        for key in ("suppress", "yield_to"):
            assert set(entry.get(key, ())) <= set(taxonomy.ALL_CATEGORIES)
        assert set(entry.get("subjects", ())) <= SUBJECT_CLASSES
        for phrase in entry["phrases"]:
            for pattern in compile_phrase(phrase, tokenizer):
                matcher.add(entry["id"], [pattern])  # spaCy's own validation of the token pattern
        for key in ("requires", "excludes"):
            if entry.get(key):
                re.compile(entry[key])
    assert ids


@pytest.mark.parametrize("name", ["context", "persons", "statuses", "ignore"])
def test_rule_files_compile(name, tokenizer):
    matcher = Matcher(tokenizer.vocab, validate=True)
    for entry in _entries(PATTERN_DIR / f"{name}.jsonl"):
        for phrase in entry["phrases"]:
            for pattern in compile_phrase(phrase, tokenizer):
                matcher.add(name, [pattern])


def test_rules_json_is_consistent():
    rules = load_rules()
    for category, mapping in rules["experiencer_policy"].items():
        assert category in taxonomy.ALL_CATEGORIES
        assert set(mapping) <= SUBJECT_CLASSES
        assert all(v is None or v in taxonomy.ALL_CATEGORIES for v in mapping.values())
    assert set(rules["experiencer_policy"]) == set(taxonomy.ALL_CATEGORIES)
    for table in rules["tables"]:
        assert table.get("category") is None or table["category"] in taxonomy.ALL_CATEGORIES
        assert table["mode"] in {"every_row", "nonroutine", "triggered", "services", "medications"}
    assert rules["negative_cell_re"].match("Denies any use")
    assert not rules["negative_cell_re"].match("Daily; last use 04/02/2023")
    assert not rules["negative_cell_re"].match("--")  # an empty cell says nothing


def test_whole_lexicon_loads_with_unique_ids(tokenizer):
    lex = load_lexicon(tokenizer)
    assert len(lex.triggers) > 100 and len(lex.trigger_patterns) > 1000
    labels = {p["label"] for p in lex.trigger_patterns}
    assert labels - {"_ignore"} == set(taxonomy.ALL_CATEGORIES)
    assert {c.type for c in lex.cues.values()} == {"NEGATED", "HYPOTHETICAL", "PSEUDO", "TERMINATE", "CAUSE"}


def test_phrase_syntax():
    tok = spacy.blank("en").tokenizer
    assert compile_phrase("abus*|molested", tok) == [[{"LOWER": {"REGEX": "^(?:molested|abus.*)$"}}]]
    assert compile_phrase("=ADHD|=ADD", tok) == [[{"TEXT": {"IN": ["ADHD", "ADD"]}}]]
    # an alternative the tokenizer splits becomes its own pattern
    assert compile_phrase("half-brother|brother", tok) == [
        [{"LOWER": "brother"}],
        [{"LOWER": "half"}, {"LOWER": "-"}, {"LOWER": "brother"}],
    ]
    gap = compile_phrase("was _{0,2} beaten", tok)[0][1]
    assert gap["OP"] == "{0,2}" and "not" in gap["LOWER"]["NOT_IN"]  # a gap never skips a negation
    assert compile_phrase("#num years", tok)[0][0] == {"LIKE_NUM": True}


@pytest.mark.parametrize("bad", ["", "the _{0,2}", "a||b", "two|#bogus", "a? b"])
def test_bad_phrases_are_refused(bad):
    with pytest.raises(PatternError):
        compile_phrase(bad, spacy.blank("en").tokenizer)


def test_a_broken_pattern_file_is_refused(tmp_path):
    for path in PATTERN_DIR.iterdir():
        (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "education.jsonl").write_text(
        '{"id": "education.x", "category": "health", "phrases": ["retained"]}\n', encoding="utf-8"
    )
    with pytest.raises(PatternError, match="category"):
        load_lexicon(None, pattern_dir=tmp_path)


def test_pipeline_is_built_once_and_keeps_its_lexicon():
    nlp = load_nlp()
    assert load_nlp() is nlp
    assert lexicon_of(nlp).triggers
    assert nlp.pipe_names == ["trigger_ruler", "cue_ruler", "person_ruler", "status_ruler", "context_marker"]
