"""Every generated .xlsx and .docx is valid to the ECMA-376 transitional schemas, as checked by jing,
a validator that is not LibreOffice (which forgives what Excel and Word refuse or "repair").

The validator is first shown planted faults, each of which it must report. Then every XML part of
every form in every language, and of the reports, must pass with no finding.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import LANGUAGES
from office_outputs import build_forms, build_reports
from ooxml_compatibility import MC, set_aside_optional_markup
from ooxml_schema import SML, GrammarError, Validator, W, require_validator
from packages import rewrite_part

W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
CORE = "docProps/core.xml"
# The fixture content adds a number question the bundled content lacks; left to right and right to
# left cover its layouts, so its other languages would only repeat the cost.
SMALL_CONTENT_LANGUAGES = ("en", "ar")


@pytest.fixture(scope="session")
def validator() -> Validator:
    return require_validator()


@pytest.fixture(scope="module")
def clean(real_content, tmp_path_factory) -> dict[str, Path]:
    """The bundled risk form as .xlsx and .docx, untouched."""
    paths = build_forms(real_content, "en", tmp_path_factory.mktemp("clean"))
    return {path.suffix.lstrip("."): path for path in paths if path.stem == "risk"}


def first_styled_paragraph(root: etree._Element) -> etree._Element:
    """The properties of the first paragraph whose only property is its style."""
    return next(p for p in root.iter(f"{{{W}}}pPr") if [c.tag for c in p] == [f"{{{W}}}pStyle"])


def jc(value: str) -> etree._Element:
    element = etree.Element(f"{{{W}}}jc")
    element.set(f"{{{W}}}val", value)
    return element


def parts_with_findings(findings) -> set[str]:
    return {finding.part for finding in findings}


# ---------------------------------------------------------------- the validator sees planted faults


def test_the_clean_form_files_have_no_findings(validator, clean):
    assert validator.validate_packages(list(clean.values())) == {path: [] for path in clean.values()}


def test_a_paragraph_property_out_of_schema_order_is_reported(validator, clean, tmp_path):
    def misorder(root):
        first_styled_paragraph(root).insert(0, jc("center"))  # w:jc belongs after w:pStyle

    findings = validator.validate_package(rewrite_part(clean["docx"], tmp_path / "f.docx", "word/document.xml", misorder))
    assert parts_with_findings(findings) == {"word/document.xml"}
    assert "w:pStyle" in findings[0].message and findings[0].where.endswith("/w:pPr/w:pStyle")
    assert findings[0].line > 1  # a line of the prepared part, one element per line


def test_a_worksheet_element_out_of_schema_order_is_reported(validator, clean, tmp_path):
    def misorder(root):
        root.find(f"{{{SML}}}cols").addprevious(root.find(f"{{{SML}}}sheetData"))

    findings = validator.validate_package(rewrite_part(clean["xlsx"], tmp_path / "f.xlsx", "xl/worksheets/sheet1.xml", misorder))
    assert parts_with_findings(findings) == {"xl/worksheets/sheet1.xml"}
    assert any("sheetData" in f.message or "cols" in f.message for f in findings)


def test_a_value_outside_its_enumeration_is_reported(validator, clean, tmp_path):
    def middle(root):
        first_styled_paragraph(root).append(jc("middle"))  # in order, but "middle" is no ST_Jc value

    findings = validator.validate_package(rewrite_part(clean["docx"], tmp_path / "f.docx", "word/document.xml", middle))
    assert [(f.part, f.where.rsplit("/", 1)[-1]) for f in findings] == [("word/document.xml", "w:jc")]
    assert "w:val" in findings[0].message


def test_a_core_property_date_without_the_w3c_type_is_reported(validator, clean, tmp_path):
    def untyped(root):
        modified = root.find("{http://purl.org/dc/terms/}modified")
        modified.set("{http://www.w3.org/2001/XMLSchema-instance}type", "dcterms:Period")

    findings = validator.validate_package(rewrite_part(clean["docx"], tmp_path / "f.docx", CORE, untyped))
    assert parts_with_findings(findings) == {CORE}


def test_markup_in_a_namespace_not_named_ignorable_is_reported(validator, clean, tmp_path):
    def not_ignorable(root):
        del root.attrib[f"{{{MC}}}Ignorable"]  # settings.xml holds w14:docId, now no longer optional

    findings = validator.validate_package(rewrite_part(clean["docx"], tmp_path / "f.docx", "word/settings.xml", not_ignorable))
    assert parts_with_findings(findings) == {"word/settings.xml"}
    assert any("w14:docId" in f.message for f in findings)


@pytest.mark.parametrize(("fallback", "reported"), [("center", False), ("middle", True)])
def test_alternate_content_is_judged_by_its_fallback(validator, clean, tmp_path, fallback, reported):
    def alternative(root):
        choice = etree.fromstring(
            f'<mc:AlternateContent xmlns:mc="{MC}" xmlns:w="{W}" xmlns:w14="{W14}">'
            f'<mc:Choice Requires="w14"><w14:notInTheStandard/></mc:Choice>'
            f'<mc:Fallback><w:jc w:val="{fallback}"/></mc:Fallback></mc:AlternateContent>'
        )
        first_styled_paragraph(root).append(choice)

    findings = validator.validate_package(rewrite_part(clean["docx"], tmp_path / "f.docx", "word/document.xml", alternative))
    assert bool(findings) is reported
    assert all(f.where.endswith("/w:jc") for f in findings)


def test_a_part_with_no_known_grammar_or_no_content_type_is_reported(validator, clean, tmp_path):
    target = tmp_path / "f.docx"
    with zipfile.ZipFile(clean["docx"]) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = old.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>", b'<Override PartName="/extra/odd.xml" ContentType="application/x-odd+xml"/></Types>'
                )
            new.writestr(item, data)
        new.writestr("extra/odd.xml", "<odd/>")
        new.writestr("extra/untyped.bin", b"\x00")
    findings = validator.validate_package(target)
    assert [(f.part, "no ECMA-376 grammar" in f.message or "no content type" in f.message) for f in findings] == [
        ("extra/odd.xml", True),
        ("extra/untyped.bin", True),
    ]


def test_setting_aside_keeps_the_standard_and_drops_only_what_may_be_ignored():
    root = etree.fromstring(
        f'<w:p xmlns:w="{W}" xmlns:w14="{W14}" xmlns:mc="{MC}" mc:Ignorable="w14" mc:ProcessContent="w14:wrapper" w14:paraId="1">'
        f'<w:pPr><w14:extra/><w:jc w:val="left"/></w:pPr>text'
        f'<mc:AlternateContent><mc:Choice Requires="w14"><w14:new/></mc:Choice>'
        f"<mc:Fallback><w:r/><w:r/></mc:Fallback></mc:AlternateContent>tail"
        f"<w14:wrapper><w:r/><w14:gone/></w14:wrapper></w:p>"
    )
    set_aside_optional_markup(root)
    assert root.attrib == {}
    assert [etree.QName(e).localname for e in root.iter()] == ["p", "pPr", "jc", "r", "r", "r"]
    assert "".join(root.itertext()) == "texttail"


def test_a_broken_grammar_is_an_error_not_a_finding(validator, clean, tmp_path):
    broken = shutil.copytree(validator.grammars, tmp_path / "rnc")
    (broken / "wml.rnc").chmod(0o644)
    (broken / "wml.rnc").write_text("this is not a grammar\n")
    with pytest.raises(GrammarError, match="wml.rnc"):
        Validator(broken, validator.jing).validate_package(clean["docx"])


@pytest.mark.parametrize("ci", ["", "true"])
def test_missing_grammars_skip_saying_where_they_were_looked_for_and_fail_under_ci(monkeypatch, tmp_path, ci):
    monkeypatch.setenv("AITK_ECMA_RNC", str(tmp_path / "nowhere"))
    monkeypatch.setenv("CI", ci)
    outcome = pytest.fail.Exception if ci else pytest.skip.Exception
    with pytest.raises(outcome, match="nowhere"):
        require_validator()


# ---------------------------------------------------------------- every generated Office file


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_xml_part_of_every_form_is_valid_to_the_ecma_376_schemas(validator, real_content, small_content, tmp_path, lang):
    paths = build_forms(real_content, lang, tmp_path / "bundled")
    if lang in SMALL_CONTENT_LANGUAGES:
        paths += build_forms(small_content, lang, tmp_path / "small")
    findings = validator.validate_packages(paths)  # one Java start for all the files of the language
    assert {p.relative_to(tmp_path).as_posix(): [str(f) for f in found] for p, found in findings.items() if found} == {}


def test_every_xml_part_of_the_reports_is_valid_to_the_ecma_376_schemas(validator, real_content, small_content, tmp_path):
    paths = build_reports(real_content, tmp_path / "bundled") + build_reports(small_content, tmp_path / "small")
    findings = validator.validate_packages(paths)
    assert {p.relative_to(tmp_path).as_posix(): [str(f) for f in found] for p, found in findings.items() if found} == {}
