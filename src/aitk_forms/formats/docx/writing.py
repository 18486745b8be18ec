"""What the page helpers (title page, scale legends) may ask of the form writer: a protocol,
so that the helpers need not import the writer that calls them."""

from __future__ import annotations

from typing import Protocol

from docx.table import Table
from docx.text.paragraph import Paragraph

from ...model import Content, Form, Text
from ..codec import RenderOptions


class DocumentWriter(Protocol):
    content: Content
    form: Form
    lang: str
    numbers: dict[str, str]
    options: RenderOptions

    def text(self, text: Text | None) -> str: ...

    def ui(self, key: str, **values: str) -> str: ...

    def paragraph(self, text: str = "", style: str | None = None) -> Paragraph: ...

    def run(self, paragraph: Paragraph, text: str): ...

    def table(self, rows: int, cols: int) -> Table: ...

    def cell_text(self, cell, text: str, style: str | None = None) -> None: ...

    def set_widths(self, table: Table, widths: list[float]) -> None: ...
