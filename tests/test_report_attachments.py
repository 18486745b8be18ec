"""The data report.pdf carries (the import log and the `--json` result) is written file by file to temporary
files and put into the PDF from them: the same bytes as before, and a valid PDF/A-3u whatever those bytes are."""

from __future__ import annotations

import json
import zlib

import pikepdf

from aitk_forms.outcomes import FileResult, ImportResult
from aitk_forms.problems import Problem
from aitk_forms.reports.attached import write_result_json
from aitk_forms.reports.importlog import write_log
from aitk_forms.reports.narrative import write_pdf
from pdf_conformance import page_validation_failures


def test_the_json_result_written_file_by_file_is_byte_for_byte_what_json_dumps_prints(tmp_path):
    tricky = FileResult(path='in/"quoted"\nnext line é 评估.xlsx', sha256="0" * 64, reason="first\nsecond\t{}[]")
    tricky.problems = [Problem("q1", "a message\n  with an indented line"), Problem(None, "")]
    accepted = FileResult(path="a.xlsx", sha256="1" * 64, status="accepted", form="risk", answers={"q": ["x", "y"], "n": 2})
    for files in ([], [tricky], [tricky, accepted, accepted]):
        result = ImportResult(files)
        write_result_json(result, tmp_path / "result.json")
        expected = json.dumps(result.as_json(), ensure_ascii=False, indent=2)
        assert (tmp_path / "result.json").read_bytes() == expected.encode(), files


def test_an_attachment_whose_compressed_bytes_end_in_a_carriage_return_keeps_the_pdf_valid(small_content, tmp_path):
    # A Flate stream ends in its checksum, any byte: find an import whose log compresses to end in CR (about one
    # in 256 do). Followed by a bare LF, the CR was read as part of the end of line: PDFA3U-STREAM-LENGTH-001.
    for extra in range(1000):
        result = ImportResult([FileResult(path="return" + "!" * extra + ".xlsx", sha256="0" * 64, reason="unreadable")])
        write_log(small_content, result, tmp_path / "import-log.csv")
        if zlib.compress((tmp_path / "import-log.csv").read_bytes(), 9).endswith(b"\r"):
            break
    else:
        raise AssertionError("no import log found that compresses to end in CR")
    write_pdf(small_content, result, tmp_path / "report.pdf")
    assert page_validation_failures(tmp_path / "report.pdf", "3u") == set()
    with pikepdf.open(tmp_path / "report.pdf") as pdf:
        attached = pdf.attachments["import-log.csv"].get_file()
        assert attached.read_bytes() == (tmp_path / "import-log.csv").read_bytes()
        assert attached.obj.Length == len(attached.obj.read_raw_bytes())
        assert attached.obj.read_raw_bytes().endswith(b"\r")
