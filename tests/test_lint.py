"""The lint: valid content passes, and every planted error is reported with its file and line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from aitk_forms.cli import main
from aitk_forms.errors import ContentError
from aitk_forms.load import load_content
from conftest import ROOT, SMALL

BROKEN = ROOT / "tests" / "content" / "broken"


def planted_errors() -> list[tuple[str, int, str]]:
    """(file, line, expected text) for every '# expect:' marker in the broken fixture."""
    found = []
    for path in sorted(BROKEN.glob("*.yaml")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            match = re.search(r"#\s*expect:\s*(.+)$", line)
            if match:
                found.append((path.name, number, match.group(1).strip()))
    return found


def test_the_small_fixture_content_is_valid():
    content = load_content(SMALL)
    assert [f.id for f in content.forms] == ["readiness", "risk", "workbook"]


def test_the_bundled_content_is_valid():
    content = load_content(ROOT / "content")
    assert {f.id for f in content.forms} == {"readiness", "risk", "workbook"}


@pytest.mark.parametrize("file,line,expected", planted_errors(), ids=lambda v: str(v))
def test_lint_reports_each_planted_error_with_its_file_and_line(file, line, expected):
    with pytest.raises(ContentError) as caught:
        load_content(BROKEN)
    printed = [str(d) for d in caught.value.diagnostics]
    prefix = f"{BROKEN / file}:{line}: "
    assert any(p.startswith(prefix) and expected in p for p in printed), "\n".join(printed)


def test_lint_reports_nothing_it_was_not_asked_to_find():
    with pytest.raises(ContentError) as caught:
        load_content(BROKEN)
    marked = {(f, n) for f, n, _ in planted_errors()}
    unexpected = [d for d in caught.value.diagnostics if (Path(d.file).name, d.line) not in marked]
    assert unexpected == []


def test_lint_command_prints_every_problem_and_exits_1():
    result = CliRunner().invoke(main, ["lint", "--content", str(BROKEN)])
    assert result.exit_code == 1
    assert len([line for line in result.output.splitlines() if ".yaml:" in line]) == len(planted_errors()) + 1
    assert "Traceback" not in result.output


def test_lint_command_exits_0_on_valid_content():
    result = CliRunner().invoke(main, ["lint", "--content", str(SMALL)])
    assert result.exit_code == 0, result.output
    assert "no problems" in result.output


def test_a_missing_form_file_is_named(tmp_path):
    for name in ("content.yaml", "readiness.yaml", "risk.yaml"):
        (tmp_path / name).write_text((SMALL / name).read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "ui.yaml").write_text((ROOT / "content" / "ui.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(tmp_path)
    assert any("form 'workbook' is missing" in str(d) for d in caught.value.diagnostics)


def test_scales_may_carry_a_translated_title(real_content):
    risk = real_content.form("risk")
    assert risk.scale_title("likelihood").source == "Likelihood of a negative impact"
    assert risk.scale_title("severity").translation("ar")
    assert real_content.form("readiness").scale_title("maturity") is not None
    assert risk.scale_title("nowhere") is None


def test_a_key_written_twice_in_a_yaml_file_is_an_error_naming_both_lines(tmp_path):
    """YAML would let the second key silently replace the first: a translator's edit of the first would vanish."""
    from aitk_forms.yamlsource import read_yaml

    path = tmp_path / "ui.yaml"
    path.write_text('title: One\nintro: Two\ntitle: "Three"\n', encoding="utf-8")
    problems: list = []
    assert read_yaml(path, "ui.yaml", problems) is None
    assert [(p.line, p.message) for p in problems] == [(3, "not valid YAML: the key 'title' appears twice (first at line 1)")]


def test_a_result_of_other_results_must_be_a_mean_or_a_max(tmp_path):
    import shutil

    from aitk_forms.errors import ContentError
    from aitk_forms.load import load_content
    from conftest import SMALL

    root = tmp_path / "content"
    shutil.copytree(SMALL, root)
    readiness = (root / "readiness.yaml").read_text(encoding="utf-8")
    old = "{key: overall, label: Overall readiness, method: mean, results: [leadership, data], levels: readiness}"
    assert old in readiness
    changed = readiness.replace(old, old.replace("method: mean", "method: completeness"))
    (root / "readiness.yaml").write_text(changed, encoding="utf-8")
    with pytest.raises(ContentError) as raised:
        load_content(root)
    assert any("must be a mean or a max, not completeness" in p.message for p in raised.value.diagnostics)
