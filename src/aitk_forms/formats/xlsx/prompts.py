"""Input messages of the answer cells: what Excel shows (and a screen reader reads) when a cell is selected.

The title names the question ("Question 2.3"); the text is the first sentence of the question's guidance,
then what to do ("Choose an answer"). Excel's limits are counted in UTF-16 code units, as xlsx_limits.py
lints them: 32 for the title, 255 for the text. The full guidance stays on the sheet.
"""

from __future__ import annotations

import re

from ...model import Content, Question
from ...xlsx_limits import excel_length

TITLE_LIMIT = 32
TEXT_LIMIT = 255
ELLIPSIS = "…"
# A sentence ends at . ! ? or the Arabic question mark before a space or the end, or at a full-width
# stop; "e.g." and "i.e." end no sentence.
SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)[.!?؟](?=\s|$)|[。！？]")


def fit(text: str, limit: int) -> str:
    """`text` cut to `limit` UTF-16 units, at a word where there is one, ending in "…" when cut."""
    if excel_length(text) <= limit:
        return text
    cut = text
    while excel_length(cut + ELLIPSIS) > limit:
        cut = cut[:-1]
    words = cut.rsplit(" ", 1)[0]
    return (words if len(words) > len(cut) // 2 else cut).rstrip(" ,;:") + ELLIPSIS


def first_sentence(text: str) -> str:
    """The first sentence of `text` (all of it when it has one sentence), on one line."""
    text = " ".join(text.split())
    found = SENTENCE_END.search(text)
    return text[: found.end()] if found else text


def prompt_title(content: Content, number: str, lang: str) -> str:
    """ "Question 2.3", in the form's language."""
    return fit(f"{content.text('question_label', lang)} {number}", TITLE_LIMIT)


def prompt_text(content: Content, question: Question, lang: str, instruction_key: str) -> str:
    """The first sentence of the guidance, then the instruction, within Excel's 255 units."""
    instruction = content.text(instruction_key, lang)
    guidance = first_sentence(question.help.get(lang)) if question.help else ""
    if not guidance:
        return fit(instruction, TEXT_LIMIT)
    room = TEXT_LIMIT - excel_length(instruction) - 1
    return f"{fit(guidance, room)}\n{instruction}"
