"""The command line surface: help on every command, exit statuses, and clear usage errors."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from aitk_forms.cli import main
from conftest import SMALL

COMMANDS = [
    ["lint"],
    ["forms"],
    ["init"],
    ["build"],
    ["sample"],
    ["import"],
    ["report"],
    ["export"],
    ["store"],
    ["store", "info"],
    ["store", "backup"],
    ["store", "alias"],
    ["store", "withdraw"],
    ["store", "forget"],
    ["i18n"],
    ["i18n", "extract"],
    ["i18n", "update"],
    ["i18n", "status"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command):
    result = CliRunner().invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output and "--help" in result.output


def test_forms_lists_each_form_with_its_version_and_question_count():
    result = CliRunner().invoke(main, ["forms", "--content", str(SMALL)])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split() for line in result.output.splitlines()[1:4]}
    assert rows["readiness"][1:3] == ["1.0", "7"]
    assert rows["risk"][1:3] == ["1.0", "10"]
    assert rows["workbook"][1:3] == ["1.0", "9"]


@pytest.mark.parametrize(
    "options,complaint",
    [
        (["--form", "audit"], "unknown form 'audit'"),
        (["--lang", "de"], "unknown language 'de'"),
        (["--format", "odt"], "unknown format 'odt'"),
    ],
)
def test_build_rejects_unknown_choices_with_exit_2(tmp_path, options, complaint):
    result = CliRunner().invoke(main, ["build", "--content", str(SMALL), "--out", str(tmp_path), *options])
    assert result.exit_code == 2
    assert complaint in result.output
    assert not any(tmp_path.iterdir())


def test_a_missing_content_folder_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["lint", "--content", str(tmp_path / "nowhere")])
    assert result.exit_code == 2
    assert "no content folder" in result.output


def test_import_of_a_missing_path_is_a_usage_error(tmp_path):
    result = CliRunner().invoke(main, ["import", str(tmp_path / "nothing-here")])
    assert result.exit_code == 2
