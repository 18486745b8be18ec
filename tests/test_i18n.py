"""The translation workflow: template extraction, merging, fuzzy marking, coverage and the build gate."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner

from aitk_forms import i18n
from aitk_forms.cli import main
from aitk_forms.load import load_content
from conftest import ROOT, SMALL, require_client


@pytest.fixture
def content_copy(tmp_path):
    """A writable copy of the small content with a complete (synthetic) French catalog."""
    target = tmp_path / "content"
    shutil.copytree(SMALL, target, symlinks=False, ignore=shutil.ignore_patterns("locales"))
    content = load_content(target)
    i18n.update(content, ["fr"])
    path = i18n.po_path(target, "fr")
    with open(path, "rb") as handle:
        catalog = read_po(handle, locale="fr")
    for message in catalog:
        if message.id:
            message.string = f"FR {message.id}"
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=0, no_location=True)
    return target


def test_extract_writes_one_entry_per_text_with_its_path_as_context(content_copy):
    content = load_content(content_copy)
    pot = i18n.extract(content)
    with open(pot, "rb") as handle:
        catalog = read_po(handle)
    contexts = {m.context for m in catalog if m.id}
    assert "risk.privacy_likelihood.label" in contexts
    assert "risk.scales.likelihood.5.label" in contexts
    assert "ui.choose_answer" in contexts
    assert len(contexts) == len(list(i18n.content_texts(content)))
    assert all(m.auto_comments for m in catalog if m.id)


def test_a_complete_catalog_makes_the_language_complete(content_copy):
    content = load_content(content_copy)
    assert i18n.is_complete(content, "fr")
    assert content.form("risk").question("privacy_likelihood").label.get("fr") == "FR How likely is a privacy harm?"


def test_changing_one_english_text_marks_exactly_that_entry_fuzzy(content_copy):
    risk = content_copy / "risk.yaml"
    risk.write_text(
        risk.read_text(encoding="utf-8").replace("How likely is a privacy harm?", "How likely is a harm to privacy?"),
        encoding="utf-8",
    )
    content = load_content(content_copy)
    i18n.update(content, ["fr"])
    with open(i18n.po_path(content_copy, "fr"), "rb") as handle:
        catalog = read_po(handle, locale="fr")
    fuzzy = [m.context for m in catalog if m.id and m.fuzzy]
    assert fuzzy == ["risk.privacy_likelihood.label"]
    entry = catalog.get("How likely is a harm to privacy?", context="risk.privacy_likelihood.label")
    assert entry.string == "FR How likely is a privacy harm?"  # kept for the translator to review
    reloaded = load_content(content_copy)
    assert not i18n.is_complete(reloaded, "fr")
    assert reloaded.form("risk").question("privacy_likelihood").label.translation("fr") is None


def test_build_refuses_an_incomplete_language_unless_partial_is_allowed(content_copy, tmp_path):
    risk = content_copy / "risk.yaml"
    risk.write_text(
        risk.read_text(encoding="utf-8").replace("How likely is a privacy harm?", "How likely is a harm to privacy?"),
        encoding="utf-8",
    )
    runner = CliRunner()
    refused = runner.invoke(main, ["build", "--content", str(content_copy), "--lang", "fr", "--out", str(tmp_path / "out")])
    assert refused.exit_code == 2
    assert "not completely translated" in refused.output


def test_status_fails_below_the_minimum_coverage(content_copy):
    result = CliRunner().invoke(main, ["i18n", "status", "--content", str(content_copy), "--min-coverage", "100"])
    assert result.exit_code == 1  # es, ar, ru and zh have no catalog in this copy
    assert "below 100%" in result.output
    assert "fr    risk" in result.output


def test_update_keeps_translations_and_is_stable_when_run_twice(content_copy):
    content = load_content(content_copy)
    path = i18n.po_path(content_copy, "fr")
    i18n.update(content, ["fr"])
    first = path.read_bytes()
    i18n.update(load_content(content_copy), ["fr"])
    assert path.read_bytes() == first
    assert i18n.is_complete(load_content(content_copy), "fr")


def test_catalogs_pass_msgfmt_check(content_copy):
    msgfmt = require_client("msgfmt")
    for lang in ["fr"] + i18n.catalog_languages(ROOT / "content"):
        base = content_copy if lang == "fr" else ROOT / "content"
        path = i18n.po_path(base, lang)
        run = subprocess.run(
            [msgfmt, "--check-format", "--check-domain", "-o", "/dev/null", str(path)], capture_output=True, text=True
        )
        assert run.returncode == 0, run.stderr


def test_partial_languages_fall_back_to_english_visibly_marked(content_copy):
    risk = content_copy / "risk.yaml"
    risk.write_text(
        risk.read_text(encoding="utf-8").replace("How likely is a privacy harm?", "How likely is a harm to privacy?"),
        encoding="utf-8",
    )
    marked = i18n.with_marked_fallback(load_content(content_copy), "fr")
    question = marked.form("risk").question("privacy_likelihood")
    assert question.label.get("fr") == "[EN] How likely is a harm to privacy?"
    assert marked.form("risk").question("privacy_severity").label.get("fr") == "FR How severe would it be?"
