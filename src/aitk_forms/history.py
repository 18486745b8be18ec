"""Answers given to an older version of a form, brought forward to today's question ids.

An older version kept in `content/history/<version>/` says what became of its questions: `renamed` (one id
to one id), `split` (one id to several, the answer copied to each) and `removed` (no counterpart). A return
is always scored with the rules of the version it was made from; bringing its answers forward only lets the
reports set them beside today's returns. The store keeps the answers as read.
"""

from __future__ import annotations

from collections.abc import Mapping

from .model import Content, Question


def bring_forward(content: Content, form_id: str, version: str, answers: Mapping[str, object]) -> dict[str, object]:
    """`answers` of `form_id` version `version`, keyed by today's question ids. An answer the current question
    cannot hold (a choice it no longer offers) is left behind rather than misread."""
    older, current = content.form_version(form_id, version), content.form(form_id)
    if older is None or current is None or older is current:
        return dict(answers)
    renamed, split, removed = dict(older.renamed), dict(older.split), set(older.removed)
    brought: dict[str, object] = {}
    for qid, value in answers.items():
        if qid in removed:
            continue
        for target in split.get(qid) or (renamed.get(qid, qid),):
            question = current.question(target)
            if question is not None and (kept := _fitted(question, value)) is not None:
                brought[target] = kept
    return brought


def _fitted(question: Question, value: object) -> object | None:
    """The part of `value` that `question` can hold."""
    if not question.has_choices:
        return value if not isinstance(value, list) else None
    ids = {c.id for c in question.choices}
    if question.kind == "multi_choice":
        chosen = value if isinstance(value, list) else [value]
        kept = [v for v in chosen if v in ids]
        return kept or None
    return value if isinstance(value, str) and value in ids else None
