"""Two PDF validators that are not ours, run on one PDF, each answering with the rules the file fails:
`page-validation` (PyPI, Rust: PDF/UA-1 and PDF/A profiles, the gate) and `pdfua` (PyPI, on pikepdf:
a subset of PDF/UA-1, a second opinion). A rule a validator could not run counts as failed: silence
is not a pass."""

from __future__ import annotations

from pathlib import Path

import page
import pdfua

PAGE_PROFILES = ("ua1", "3u")


def page_validation_failures(path: Path, profile: str = "ua1") -> set[str]:
    """The rules of `profile` ("ua1": PDF/UA-1, "3u": PDF/A-3u) that page-validation finds `path` failing."""
    if profile not in PAGE_PROFILES:
        raise ValueError(f"unknown profile {profile!r} (known: {', '.join(PAGE_PROFILES)})")
    return {failure.rule_id for failure in page.validate_pdf(path, profile=profile).failures}


def pdfua_failures(path: Path) -> set[str]:
    """The rules pdfua finds `path` failing, with the rules it could not run marked "(not run)"."""
    report = pdfua.validate(str(path))
    return {finding.rule_id for finding in report.findings} | {f"{outcome.rule_id} (not run)" for outcome in report.skipped}


def failed_rules(path: Path) -> dict[str, set[str]]:
    """The PDF/UA-1 rules `path` fails, by validator."""
    return {"page-validation": page_validation_failures(path, "ua1"), "pdfua": pdfua_failures(path)}
