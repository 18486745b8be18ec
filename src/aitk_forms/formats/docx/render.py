"""Render one form in one language as a Word document with a content control for every answer."""

from __future__ import annotations

import re
from pathlib import Path

import docx
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Cm, Twips
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from ...identity import Identity
from ...model import Content, Form, Group, Question, Section, Text, is_rtl
from ...outline import outline
from ...typesetting.word import complete_zoom_setting
from ...wording import condition_instruction, question_numbers
from ..codec import DEFAULT_OPTIONS, RenderOptions
from . import sdt
from .legend import scale_questions, write_legend
from .properties import write_custom_properties
from .styles import LOCALES, apply_styles, insert_in_order, protect_for_forms, set_right_to_left, set_theme_languages
from .title_page import write_title_page

RTL_CHARACTERS = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")
LAST_PAGE_QUESTIONS = 2
TABLE_BIDI_SUCCESSORS = "tblStyleRowBandSize tblStyleColBandSize tblW jc tblCellSpacing tblInd tblBorders shd tblLayout".split()


def render(content: Content, form: Form, lang: str, path: Path | str, options: RenderOptions = DEFAULT_OPTIONS) -> None:
    """Write `form` in `lang` as a protected, fillable .docx at `path`."""
    writer = FormWriter(content, form, lang, options)
    writer.write()
    writer.document.save(str(path))


class FormWriter:
    """Builds the document body in reading order; paragraphs and runs take the language's direction."""

    def __init__(self, content: Content, form: Form, lang: str, options: RenderOptions = DEFAULT_OPTIONS):
        self.content, self.form, self.lang, self.options = content, form, lang, options
        self.rtl = is_rtl(lang)
        self.document = docx.Document()
        self.numbers = question_numbers(form)
        self.next_bookmark = 1
        self.style_ids: dict[str, str] = {}
        self.scales = scale_questions(form)
        self.explained: set[str] = set()  # scales whose legend is already in the document
        # The answers of the questions before the last one keep with what follows, so that the last page holds
        # at least LAST_PAGE_QUESTIONS questions, never one alone (question paragraphs keep with their answer).
        self.kept_to_the_end = {q.id for q in list(form.questions())[-LAST_PAGE_QUESTIONS:-1]}

    def write(self) -> None:
        apply_styles(self.document, self.lang, self.rtl)
        # python-docx's template starts with one empty paragraph; the title goes first.
        body = self.document.element.body
        for empty in body.findall(sdt.w("p")):
            body.remove(empty)
        # No contents page: its page numbers could never be right in a form that grows as it is filled in and
        # is protected (Word cannot update the field, and `w:updateFields` would ask every respondent on
        # opening). The part headings carry the outline levels of Heading 1 and 2, which Word's navigation
        # pane and the bookmarks of an exported PDF list instead.
        write_title_page(self)
        first_body_paragraph = len(self.document.paragraphs)
        for number, section, group in self.parts():
            if group is not None:
                self.group_heading(group)
            self.section(number, section)
        # The questions start on a new page however long the title page runs in a language.
        self.document.paragraphs[first_body_paragraph].paragraph_format.page_break_before = True
        self.footer()
        self.properties()
        protect_for_forms(self.document)
        set_theme_languages(self.document, self.lang)
        complete_zoom_setting(self.document.settings.element)

    # Text building blocks

    def text(self, text: Text | None) -> str:
        return text.get(self.lang) if text is not None else ""

    def ui(self, key: str, **values: str) -> str:
        found = self.content.text(key, self.lang)
        return found.format(**values) if values else found

    def paragraph(self, text: str = "", style: str | None = None) -> Paragraph:
        paragraph = self.document.add_paragraph()
        if style:
            paragraph._p.get_or_add_pPr().style = self.style_id(style)
        if self.rtl:
            set_right_to_left(paragraph._p.get_or_add_pPr())
        if text:
            self.run(paragraph, text)
        return paragraph

    def style_id(self, name: str) -> str:
        """The style's id, looked up once: python-docx's lookup by name scans every style each time."""
        if name not in self.style_ids:
            self.style_ids[name] = self.document.styles[name].style_id
        return self.style_ids[name]

    def run(self, paragraph: Paragraph, text: str):
        run = paragraph.add_run(text)
        if RTL_CHARACTERS.search(text):
            run.font.rtl = True
        return run

    def table(self, rows: int, cols: int) -> Table:
        table = self.document.add_table(rows=rows, cols=cols)
        table.style = self.document.styles["Table Grid"]
        if self.rtl:
            insert_in_order(table._tbl.tblPr, etree.Element(sdt.w("bidiVisual")), TABLE_BIDI_SUCCESSORS)
        return table

    def cell_text(self, cell, text: str, style: str | None = None) -> None:
        paragraph = cell.paragraphs[0]
        if style:
            paragraph._p.get_or_add_pPr().style = self.style_id(style)
        if self.rtl:
            set_right_to_left(paragraph._p.get_or_add_pPr())
        self.run(paragraph, text)

    def set_widths(self, table: Table, widths: list[float]) -> None:
        """Column widths in centimetres; Writer reads the grid, Word the cells."""
        table.autofit = False
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)
            for cell in column.cells:
                cell.width = Cm(width)

    # The form's parts

    def parts(self) -> list[tuple[int, Section, Group | None]]:
        """Each section with its number, and the group it opens (the outline every renderer shares)."""
        return [(part.number, part.section, part.opens) for part in outline(self.form).parts]

    def section_title(self, number: int, section: Section) -> str:
        return f"{number}  {self.text(section.title)}"

    def group_heading(self, group: Group) -> None:
        self.paragraph(self.text(group.title), "Heading 1")
        if group.description:
            # An introduction stays with what it introduces, not alone at the foot of a page.
            self.paragraph(self.text(group.description)).paragraph_format.keep_with_next = True

    def section(self, number: int, section: Section) -> None:
        level = "Heading 2" if self.form.groups else "Heading 1"
        self.paragraph(self.section_title(number, section), level)
        if section.intro:
            self.paragraph(self.text(section.intro)).paragraph_format.keep_with_next = True
        for question in section.questions:
            self.question(question)

    def question(self, question: Question) -> None:
        keep = question.id in self.kept_to_the_end
        heading = self.paragraph(style="Question")
        self.run(heading, f"{self.numbers[question.id]}  {self.text(question.label)}")
        if question.required:
            self.run(heading, f" {self.ui('required_mark')}")
        if question.help:
            self.paragraph(self.text(question.help), "Help")
        if question.kind in ("single_choice", "multi_choice"):
            for choice in question.choices:
                if choice.description:
                    self.paragraph(f"{self.text(choice.label)}: {self.text(choice.description)}", "Help")
        if question.show_if:
            self.paragraph(self.condition_instruction(question), "Instruction")
        if question.kind == "scale" and question.scale in self.scales and question.scale not in self.explained:
            self.explained.add(question.scale)
            write_legend(self, self.scales[question.scale])
        if question.kind == "multi_choice":
            self.paragraph(self.ui("tick_all"), "Help")
            for choice in question.choices:
                line = self.paragraph(style="Answer")
                line.paragraph_format.keep_with_next = keep or None
                self.control(line, f"ans_{question.id}__{choice.id}", sdt.checkbox(f"{question.id}__{choice.id}"))
                self.run(line, f"  {self.text(choice.label)}")
        else:
            answer = self.paragraph(style="Answer")
            answer.paragraph_format.keep_with_next = keep or None
            self.control(answer, f"ans_{question.id}", self.answer_control(question))

    def condition_instruction(self, question: Question) -> str:
        """The instruction on a conditional question, naming the question and answers it depends on."""
        return condition_instruction(self.content, self.form, question, self.lang, self.numbers) or ""

    def answer_control(self, question: Question) -> etree._Element:
        title = self.control_title(question)
        if question.has_choices:
            labels = [self.text(c.label) for c in question.choices]
            if len(set(labels)) < len(labels):
                # The reader matches the shown label; two equal labels would be read as the first.
                labels = [f"{label} ({c.id})" for label, c in zip(labels, question.choices, strict=True)]
            items = list(zip(labels, (c.id for c in question.choices), strict=True))
            return sdt.dropdown(question.id, items, self.ui("choose_answer"), self.rtl, title)
        if question.kind == "date":
            return sdt.date_picker(question.id, self.ui("choose_date"), LOCALES.get(self.lang, self.lang), self.rtl, title)
        placeholder = self.ui("type_number" if question.kind == "number" else "type_answer")
        return sdt.rich_text(question.id, placeholder, self.rtl, title)

    def control_title(self, question: Question) -> str:
        """The control's title for screen readers: the question's number and label (check boxes carry none)."""
        return f"{self.numbers[question.id]} {self.text(question.label)}"

    def control(self, paragraph: Paragraph, name: str, control: etree._Element) -> None:
        sdt.bookmarked(paragraph._p, name, self.next_bookmark, control)
        self.next_bookmark += 1

    # Around the body

    def footer(self) -> None:
        """The form title on the left, the page number on the right of every page (the identifier is on the
        title page: codes in a footer mean nothing to a respondent)."""
        section = self.document.sections[0]
        paragraph = section.footer.paragraphs[0]
        paragraph.style = self.document.styles["Footer"]
        if self.rtl:
            set_right_to_left(paragraph._p.get_or_add_pPr())
        stops = paragraph.paragraph_format.tab_stops
        # The Footer style's centre tab would catch the page number halfway along.
        stops.add_tab_stop(Twips(4680), WD_TAB_ALIGNMENT.CLEAR)
        stops.add_tab_stop(Twips(9360), WD_TAB_ALIGNMENT.CLEAR)
        stops.add_tab_stop(section.page_width - section.left_margin - section.right_margin, WD_TAB_ALIGNMENT.RIGHT)
        self.run(paragraph, f"{self.text(self.form.title)}\t")
        self.run(paragraph, f"{self.ui('page_label')} ")
        page = parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>')
        paragraph._p.append(page)
        paragraph.paragraph_format.space_before = Cm(0.2)

    def properties(self) -> None:
        identity = Identity.of(self.form, self.lang, self.content.name, self.options.round, self.options.unit)
        write_custom_properties(self.document, identity.as_dict())
        core = self.document.core_properties
        core.title = self.text(self.form.title)
        core.subject = self.ui("pack_title")
        core.language = LOCALES.get(self.lang, self.lang)
        core.keywords = f"aitk-forms; {self.form.id}; {self.form.version}; {self.lang}"
        core.author = "aitk-forms"
        core.comments = f"{self.form.id} {self.form.version} {self.lang} {self.form.fingerprint}"
