"""The sample generator: varied, valid answers in every fillable format, which import back exactly."""

from __future__ import annotations

import json

from click.testing import CliRunner

from aitk_forms.cli import main
from aitk_forms.sample import sample_answers
from aitk_forms.validate import check_answers
from conftest import SMALL


def test_sample_answers_are_valid_varied_and_reproducible(small_content):
    for form in small_content.forms:
        runs = [sample_answers(form, seed) for seed in range(12)]
        assert runs == [sample_answers(form, seed) for seed in range(12)]
        assert len({json.dumps(r, sort_keys=True) for r in runs}) == 12
        for answers in runs:
            clean, problems = check_answers(form, answers)
            assert clean == answers
            assert all(p.message == "required question not answered" for p in problems)


def test_samples_in_every_format_import_back_exactly(small_content, tmp_path):
    runner = CliRunner()
    made = runner.invoke(
        main, ["sample", "--content", str(SMALL), "--build", str(tmp_path / "b"), "--out", str(tmp_path / "s"), "--count", "18"]
    )
    assert made.exit_code == 0, made.output
    files = sorted((tmp_path / "s").iterdir())
    assert {f.suffix for f in files} == {".xlsx", ".docx", ".pdf"}
    result = runner.invoke(main, ["import", str(tmp_path / "s"), "--content", str(SMALL), "--out", str(tmp_path / "r"), "--json"])
    document = json.loads(result.stdout)
    assert result.exit_code == 0, result.output
    assert document["summary"]["files"] == 18 and document["summary"]["rejected"] == 0 and document["summary"]["duplicate"] == 0
    for seed, entry in enumerate(document["files"]):
        form = small_content.form(entry["form"])
        assert entry["answers"] == sample_answers(form, seed), entry["path"]
