"""The only PDF validation rules the conformance tests let fail, each with why (tests/test_pdf_conformance.py
fails when an exception is no longer needed, and when a file fails a rule not listed here)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Excepted:
    """A rule a validator may report failed, and why."""

    validator: str  # "page-validation" or "pdfua", as pdf_conformance.failed_rules names them
    rule: str  # as that validator reports it
    upstream: str  # the upstream issue (or why none is filed yet)
    loses: str  # what a user of our PDFs loses while it stands


EXCEPTIONS: tuple[Excepted, ...] = (
    Excepted(
        validator="pdfua",
        rule="UA-14-001 (not run)",
        upstream=(
            "pdfua 0.1.3: its empty-heading rule raises ValueError (\"cannot get key '/is_integer' on object of "
            'type array") under pikepdf 10 on any heading whose /K is an array, so it runs on no tagged PDF of '
            "ours; not yet reported to https://github.com/beduldul/pdfua/issues (no network from this machine)"
        ),
        loses=(
            "nothing in the PDFs: only pdfua's second opinion that no heading is empty; page-validation's "
            "PDF/UA-1 rules (the gate) still check every heading"
        ),
    ),
)


def excepted(validator: str) -> set[str]:
    """The rules of `validator` the conformance tests let fail."""
    return {e.rule for e in EXCEPTIONS if e.validator == validator}
