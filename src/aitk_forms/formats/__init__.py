"""The registry of output formats. Each codec module offers `render` and, for fillable forms, `read`."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class FormatInfo:
    name: str
    suffix: str
    per: str  # "form": one file per form; "language": one file per language (the printed pack)
    module: str
    description: str
    filler: str | None = None  # module with fill(): types sample answers into a built file

    def output_name(self, form_id: str) -> str:
        return f"{form_id}{self.suffix}" if self.per == "form" else f"{self.name}{self.suffix}"

    def codec(self) -> ModuleType:
        """The module that writes (and reads) this format."""
        return importlib.import_module(self.module)

    def fill_function(self):
        """The sample filler of this format, or None where there is none."""
        if self.filler is None:
            return None
        try:
            return importlib.import_module(self.filler).fill
        except ModuleNotFoundError:
            return None


FORMATS: dict[str, FormatInfo] = {
    f.name: f
    for f in (
        FormatInfo(
            "xlsx",
            ".xlsx",
            "form",
            "aitk_forms.formats.xlsx",
            "Excel workbook that scores itself",
            "aitk_forms.formats.xlsx_fill",
        ),
        FormatInfo(
            "docx", ".docx", "form", "aitk_forms.formats.docx", "Word form with content controls", "aitk_forms.formats.docx.fill"
        ),
        FormatInfo("pdf", ".pdf", "form", "aitk_forms.formats.pdf", "fillable PDF form", "aitk_forms.formats.pdf_fill"),
        FormatInfo("pack", ".pdf", "language", "aitk_forms.formats.pack", "printed pack of every form"),
    )
}
READABLE = ("xlsx", "docx", "pdf")
