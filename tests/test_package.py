"""The installed program: what the wheel carries, which content a command uses, init and --version."""

from __future__ import annotations

import tomllib
from importlib import resources

from click.testing import CliRunner

from aitk_forms import __version__
from aitk_forms.cli import main
from aitk_forms.formats import CODECS
from aitk_forms.resources import bundled_content, choose_content, template_folder
from conftest import ROOT, SMALL


def test_every_python_package_of_the_source_is_listed_for_the_wheel():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT / "src").parts) for p in (ROOT / "src").rglob("__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"


def test_templates_and_content_are_resources_of_the_package_not_paths_beside_the_source():
    assert (resources.files("aitk_forms.templates") / "pdf" / "form.html.j2").is_file()
    assert (resources.files("aitk_forms.content") / "content.yaml").is_file()
    for name in ("pdf", "pack", "report"):
        assert any(template_folder(name).iterdir()), name
    assert (bundled_content() / "locales" / "fr" / "LC_MESSAGES" / "aitk.po").is_file()


def test_commands_use_the_content_folder_of_the_current_folder_else_the_bundled_content(tmp_path):
    assert choose_content(None, tmp_path) == (bundled_content(), "bundled content")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "content.yaml").write_text("name: local\n")
    assert choose_content(None, tmp_path) == (tmp_path / "content", "content")
    assert choose_content(SMALL, tmp_path) == (SMALL, str(SMALL))


def test_version_names_the_program_and_the_bundled_content():
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"aitk-forms {__version__}; bundled content 'aitk' version 1.1"


def test_init_copies_the_bundled_content_with_its_translations_and_refuses_a_folder_in_use(tmp_path):
    target = tmp_path / "agency"
    result = CliRunner().invoke(main, ["init", str(target)])
    assert result.exit_code == 0, result.output
    assert "its own 'name' and 'version'" in result.output
    copied = {p.relative_to(target).as_posix() for p in target.rglob("*") if p.is_file()}
    assert {"content.yaml", "risk.yaml", "locales/ar/LC_MESSAGES/aitk.po", "locales/glossary.csv"} <= copied
    assert "__init__.py" not in copied
    lint = CliRunner().invoke(main, ["lint", "--content", str(target)])
    assert lint.exit_code == 0 and "no problems" in lint.output
    again = CliRunner().invoke(main, ["init", str(target)])
    assert again.exit_code == 2 and "not empty" in again.output
    assert CliRunner().invoke(main, ["init", str(target), "--force"]).exit_code == 0


def test_translation_commands_refuse_to_write_into_the_bundled_content(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no ./content here: the bundled content is the default
    for command in (["i18n", "extract"], ["i18n", "update"]):
        result = CliRunner().invoke(main, command)
        assert result.exit_code == 2 and "aitk-forms init DIR" in result.output, command


def test_summary_lines_say_which_content_was_used(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["lint"])
    assert result.exit_code == 0 and result.output.startswith("bundled content: 'aitk' version 1.1")


def test_every_codec_is_registered_with_the_parts_its_kind_needs():
    assert CODECS.names() == ["xlsx", "docx", "pdf", "pack"]
    for codec in CODECS.readable():
        assert codec.fill is not None and codec.sniff is not None and codec.returns, codec.name
    assert [c.name for c in CODECS if c.per == "language"] == ["pack"]
