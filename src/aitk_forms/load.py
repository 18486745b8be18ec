"""Load `content/` (YAML plus PO translations) into the model, reporting every problem at once."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from . import checks, i18n
from .errors import ContentError, Diagnostic, message
from .model import (
    NOT_APPLICABLE,
    QUESTION_KINDS,
    Choice,
    Condition,
    Content,
    Form,
    Group,
    Level,
    Question,
    ResultCondition,
    ResultRule,
    Section,
    Text,
    companion_id,
)
from .yamlsource import LocatedDict, read_yaml

FORM_IDS = ("readiness", "risk", "workbook")
ID_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")
CHOICE_ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9_]*\Z")
YES_NO_CHOICES = ("yes", "no")


def load_content(root: Path | str = "content") -> Content:
    """Read and validate the content set under `root`; raise ContentError listing every problem."""
    root = Path(root)
    problems: list[Diagnostic] = []
    translations = i18n.read_translations(root, problems)
    meta = read_yaml(root / "content.yaml", str(root / "content.yaml"), problems)
    ui_data = read_yaml(root / "ui.yaml", str(root / "ui.yaml"), problems)
    head = _Builder(str(root / "content.yaml"), translations, {})
    ui = _Builder(str(root / "ui.yaml"), translations, {}).ui_texts(ui_data) if ui_data is not None else {}
    forms = []
    for form_id in FORM_IDS:
        path = root / f"{form_id}.yaml"
        if not path.exists():
            problems.append(Diagnostic(str(path), 0, message("missing_form", form=form_id, file=path.name)))
        elif (form := _load_form(path, translations, ui, problems)) is not None:
            forms.append(form)
    # Older versions of a form, kept so that files made from them can still be read.
    history = [
        form
        for path in sorted((root / "history").glob("*/*.yaml"))
        if (form := _load_form(path, translations, ui, problems)) is not None
    ]
    for older in history:
        current = next((f for f in forms if f.id == older.id), None)
        if current is not None and current.version != older.version:
            problems += checks.check_history(current, older)
    content = None
    if isinstance(meta, dict):
        content = Content(
            name=str(meta.get("name", "aitk")),
            version=str(meta.get("version", "")),
            source=head.text(meta, "source", "content.source", "content") or Text("content.source", (("en", ""),)),
            languages=tuple(str(x) for x in meta.get("languages", ["en"])),
            forms=tuple(forms),
            ui=tuple(ui.items()),
            history=tuple(history),
            root=str(root),
        )
        problems += head.problems
    elif meta is not None:
        problems.append(Diagnostic(str(root / "content.yaml"), 1, message("not_mapping", where="content.yaml")))
    if problems or content is None:
        raise ContentError(problems)
    return content


def _load_form(path: Path, translations: dict, ui: dict[str, Text], problems: list[Diagnostic]) -> Form | None:
    data = read_yaml(path, str(path), problems)
    if data is None:
        return None
    builder = _Builder(str(path), translations, ui)
    form = builder.form(data)
    problems += builder.problems
    if form is not None:
        problems += checks.check_form(form)
    return form


class _Builder:
    """Turns one YAML file into model objects, collecting diagnostics as it goes."""

    def __init__(self, file: str, translations: dict[str, dict[str, tuple[str, str]]], ui: dict[str, Text]):
        self.file = file
        self.translations = translations
        self.ui = ui
        self.problems: list[Diagnostic] = []
        self.form_id = ""
        self.scale_titles: dict[str, Text] = {}

    def problem(self, line: int, key: str, **values: object) -> None:
        self.problems.append(Diagnostic(self.file, line, message(key, **values)))

    def text(self, data: dict, key: str, path: str, where: str, required: bool = True) -> Text | None:
        value = data.get(key)
        line = data.line_of(key) if isinstance(data, LocatedDict) else 0
        if value is None:
            if required:
                self.problem(line, "missing", where=where, field=key)
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)) or not str(value).strip():
            self.problem(line, "no_english", where=f"{where}.{key}")
            return None
        english = _tidy(str(value))
        values = [("en", english)]
        for lang, found in sorted(self.translations.items()):
            source, translation = found.get(path, ("", ""))
            if source == english:  # a translation of an older English text is not used
                values.append((lang, translation))
        return Text(path, tuple(values))

    def mapping(self, data: Any, where: str, line: int) -> LocatedDict | None:
        if isinstance(data, dict):
            return data
        self.problem(line, "not_mapping", where=where)
        return None

    def items(self, data: Any, key: str, where: str, required: bool = True) -> list:
        value = data.get(key)
        if value is None:
            if required:
                self.problem(data.line_of(key), "missing", where=where, field=key)
            return []
        if not isinstance(value, list):
            self.problem(data.line_of(key), "not_list", where=f"{where}.{key}")
            return []
        return value

    def identifier(self, data: dict, where: str, seen: dict[str, int], pattern: re.Pattern = ID_PATTERN) -> str | None:
        raw = data.get("id")
        if raw is None:
            self.problem(data.line, "missing", where=where, field="id")
            return None
        ident = str(raw)
        if not pattern.match(ident):
            self.problem(data.line_of("id"), "bad_id" if pattern is ID_PATTERN else "bad_choice_id", where=where, id=ident)
        if ident in seen:
            self.problem(data.line_of("id"), "duplicate_id", where=where, id=ident, first=seen[ident])
        else:
            seen[ident] = data.line_of("id")
        return ident

    def ui_texts(self, data: Any) -> dict[str, Text]:
        if not isinstance(data, dict):
            self.problem(1, "not_mapping", where="ui.yaml")
            return {}
        return {str(k): t for k in data if (t := self.text(data, k, f"ui.{k}", "ui")) is not None}

    def form(self, data: Any) -> Form | None:
        data = self.mapping(data, "form", 1)
        if data is None:
            return None
        self.form_id = str(data.get("id", ""))
        fid = self.form_id
        scales = self.scales(data)
        seen: dict[str, int] = {}
        sections = [s for i, raw in enumerate(self.items(data, "sections", fid)) if (s := self.section(raw, i, scales, seen))]
        groups = [g for raw in self.items(data, "groups", fid, required=False) if (g := self.group(raw))]
        level_sets = self.level_sets(data.get("levels") or LocatedDict())
        results = [r for raw in self.items(data, "results", fid, required=False) if (r := self.result(raw))]
        for key in ("respondent", "unit"):
            for field in data.get(key) or ():
                if str(field) not in seen:
                    self.problem(data.line_of(key), "unknown_respondent", question=field, field=key)
        for name in ("id", "version"):
            if name not in data:
                self.problem(data.line, "missing", where="form", field=name)
        return Form(
            id=fid,
            version=str(data.get("version", "")),
            title=self.text(data, "title", f"{fid}.title", fid) or Text(f"{fid}.title", (("en", fid),)),
            description=self.text(data, "description", f"{fid}.description", fid, required=False),
            short_title=self.text(data, "short_title", f"{fid}.short_title", fid, required=False),
            sections=tuple(sections),
            groups=tuple(groups),
            levels=tuple(level_sets.items()),
            results=tuple(results),
            respondent=tuple(str(x) for x in data.get("respondent") or ()),
            unit=tuple(str(x) for x in data.get("unit") or ()),
            renamed=tuple((str(k), str(v)) for k, v in (data.get("renamed") or {}).items()),
            split=tuple((str(k), tuple(str(x) for x in (v or ()))) for k, v in (data.get("split") or {}).items()),
            removed=tuple(str(x) for x in data.get("removed") or ()),
            scale_titles=tuple(self.scale_titles.items()),
            source_file=self.file,
        )

    def scales(self, data: dict) -> dict[str, tuple[Choice, ...]]:
        raw_scales = data.get("scales") or {}
        if not isinstance(raw_scales, dict):
            self.problem(data.line_of("scales"), "not_mapping", where="scales")
            return {}
        scales = {}
        for name, points in raw_scales.items():
            if isinstance(points, dict):  # {title:, points: [...]}; a bare list of points has no title
                title = self.text(points, "title", f"{self.form_id}.scales.{name}.title", f"scale '{name}'", required=False)
                if title is not None:
                    self.scale_titles[str(name)] = title
                points = points.get("points")
            if not isinstance(points, list) or not points:
                self.problem(raw_scales.line_of(name), "empty_scale", scale=name)
                scales[str(name)] = ()
                continue
            choices = self.choices(points, f"{self.form_id}.scales.{name}", f"scale '{name}'", scored=True)
            if not any(c.value is not None for c in choices):
                self.problem(raw_scales.line_of(name), "scale_without_values", scale=name)
            scales[str(name)] = choices
        return scales

    def choices(self, raw: list, path: str, where: str, scored: bool = False) -> tuple[Choice, ...]:
        seen: dict[str, int] = {}
        result = []
        for item in raw:
            item = self.mapping(item, where, getattr(raw, "line", 0))
            if item is None or (cid := self.identifier(item, where, seen, CHOICE_ID_PATTERN)) is None:
                continue
            value = item.get("value")
            if value is not None and not isinstance(value, (int, float)):
                self.problem(item.line_of("value"), "missing", where=f"{where} choice '{cid}'", field="numeric value")
                value = None
            result.append(
                Choice(
                    id=cid,
                    label=self.text(item, "label", f"{path}.{cid}.label", f"{where} choice '{cid}'") or Text("", (("en", cid),)),
                    description=self.text(item, "description", f"{path}.{cid}.description", where, required=False),
                    value=float(value) if scored and value is not None else None,
                    floor=str(item["floor"]) if scored and item.get("floor") is not None else None,
                )
            )
        return tuple(result)

    def section(self, raw: Any, index: int, scales: dict, seen: dict[str, int]) -> Section | None:
        raw = self.mapping(raw, f"sections[{index}]", 0)
        if raw is None:
            return None
        sid = self.identifier(raw, f"sections[{index}]", {}) or f"section{index}"
        path = f"{self.form_id}.sections.{sid}"
        questions = []
        for raw_q in self.items(raw, "questions", f"section '{sid}'"):
            if (q := self.question(raw_q, scales, seen)) is not None:
                questions += [q, *self.companion(q, seen)]
        return Section(
            id=sid,
            title=self.text(raw, "title", f"{path}.title", f"section '{sid}'") or Text(path, (("en", sid),)),
            questions=tuple(questions),
            intro=self.text(raw, "intro", f"{path}.intro", sid, required=False),
            group=str(raw["group"]) if raw.get("group") else None,
            recommendation=self.text(raw, "recommendation", f"{path}.recommendation", sid, required=False),
            line=raw.line,
        )

    def question(self, raw: Any, scales: dict, seen: dict[str, int]) -> Question | None:
        raw = self.mapping(raw, "question", 0)
        if raw is None or (qid := self.identifier(raw, "question", seen)) is None:
            return None
        kind = str(raw.get("kind", ""))
        if kind not in QUESTION_KINDS:
            self.problem(raw.line_of("kind"), "bad_kind", id=qid, kind=kind, known=", ".join(sorted(QUESTION_KINDS)))
        path = f"{self.form_id}.{qid}"
        return Question(
            id=qid,
            kind=kind,
            label=self.text(raw, "label", f"{path}.label", f"question '{qid}'") or Text(path, (("en", qid),)),
            help=self.text(raw, "help", f"{path}.help", f"question '{qid}'", required=False),
            required=bool(raw.get("required", False)),
            choices=self.question_choices(raw, qid, kind, scales),
            scale=str(raw["scale"]) if raw.get("scale") else None,
            show_if=self.condition(raw),
            minimum=raw.get("min"),
            maximum=raw.get("max"),
            line=raw.line,
            checklist=bool(raw.get("checklist", False)),
        )

    def companion(self, checklist: Question, seen: dict[str, int]) -> list[Question]:
        """A checklist's generated question "items that do not apply", listing the same items."""
        if not checklist.checklist:
            return []
        if checklist.kind != "multi_choice":
            self.problem(checklist.line, "checklist_kind", id=checklist.id, kind=checklist.kind)
            return []
        qid = companion_id(checklist.id)
        if qid in seen:
            self.problem(checklist.line, "duplicate_id", where="question", id=qid, first=seen[qid])
        seen[qid] = checklist.line
        key = "checklist_not_applicable"
        label = self.ui.get(key) or Text(f"ui.{key}", (("en", "Items that do not apply"),))
        return [
            Question(
                qid,
                "multi_choice",
                label,
                choices=checklist.choices,
                show_if=checklist.show_if,
                not_applicable_for=checklist.id,
                line=checklist.line,
            )
        ]

    def question_choices(self, raw: dict, qid: str, kind: str, scales: dict) -> tuple[Choice, ...]:
        choices = self.own_choices(raw, qid, kind, scales)
        if not raw.get("not_applicable"):
            return choices
        if kind not in ("scale", "yes_no", "single_choice"):
            self.problem(raw.line_of("not_applicable"), "not_applicable_kind", id=qid, kind=kind)
            return choices
        label = self.ui.get(NOT_APPLICABLE) or Text(f"ui.{NOT_APPLICABLE}", (("en", "Not applicable"),))
        return choices + (Choice(NOT_APPLICABLE, label),)

    def own_choices(self, raw: dict, qid: str, kind: str, scales: dict) -> tuple[Choice, ...]:
        if kind == "scale":
            scale = str(raw.get("scale", ""))
            if scale not in scales:
                self.problem(raw.line_of("scale"), "unknown_scale", id=qid, scale=scale)
            return scales.get(scale, ())
        if kind == "yes_no":
            ids = YES_NO_CHOICES + (("dont_know",) if raw.get("dont_know") else ())
            return tuple(Choice(i, self.ui.get(i) or Text(f"ui.{i}", (("en", i),))) for i in ids)
        if kind in ("single_choice", "multi_choice"):
            raw_choices = raw.get("choices")
            if not raw_choices:
                self.problem(raw.line, "no_choices", id=qid, kind=kind)
                return ()
            return self.choices(raw_choices, f"{self.form_id}.{qid}", f"question '{qid}'")
        return ()

    def condition(self, raw: dict) -> Condition | None:
        cond = raw.get("show_if")
        if cond is None:
            return None
        if not isinstance(cond, dict) or "question" not in cond or not isinstance(cond.get("in"), list):
            self.problem(raw.line_of("show_if"), "missing", where="show_if", field="question' and 'in")
            return None
        return Condition(str(cond["question"]), tuple(str(v) for v in cond["in"]))

    def group(self, raw: Any) -> Group | None:
        raw = self.mapping(raw, "group", 0)
        if raw is None or (gid := self.identifier(raw, "group", {})) is None:
            return None
        path = f"{self.form_id}.groups.{gid}"
        return Group(
            id=gid,
            title=self.text(raw, "title", f"{path}.title", f"group '{gid}'") or Text(path, (("en", gid),)),
            description=self.text(raw, "description", f"{path}.description", gid, required=False),
        )

    def level_sets(self, raw: dict) -> dict[str, tuple[Level, ...]]:
        sets = {}
        for name, items in raw.items():
            seen: dict[str, int] = {}
            levels = []
            for item in items if isinstance(items, list) else []:
                if (item := self.mapping(item, f"levels.{name}", 0)) is None:
                    continue
                lid = self.identifier(item, f"level set '{name}'", seen) or "level"
                levels.append(self.level(item, str(name), lid))
            sets[str(name)] = tuple(levels)
        return sets

    def level(self, item: dict, name: str, lid: str) -> Level:
        path = f"{self.form_id}.levels.{name}.{lid}"
        bounds = [item.get(k) for k in ("min", "below", "max")]
        if bounds[0] is None or (bounds[1] is None) == (bounds[2] is None):
            self.problem(item.line, "level_bounds", id=lid)
        return Level(
            id=lid,
            label=self.text(item, "label", f"{path}.label", f"level '{lid}'") or Text(path, (("en", lid),)),
            minimum=float(bounds[0] or 0),
            below=float(bounds[1]) if bounds[1] is not None else None,
            maximum=float(bounds[2]) if bounds[2] is not None else None,
            recommendation=self.text(item, "recommendation", f"{path}.recommendation", lid, required=False),
            line=item.line,
        )

    def result(self, raw: Any) -> ResultRule | None:
        raw = self.mapping(raw, "result", 0)
        if raw is None:
            return None
        key = str(raw.get("key", ""))
        if not ID_PATTERN.match(key):
            self.problem(raw.line, "bad_id", where="result", id=key)
        conditions = tuple(
            ResultCondition(
                question=c.get("question"),
                result=c.get("result"),
                values=tuple(str(v) for v in c.get("in") or c.get("level_in") or ()),
            )
            for c in raw.get("conditions") or ()
            if isinstance(c, dict)
        )
        factors = tuple(self.factor(q, raw) for q in raw.get("questions") or ())
        questions = tuple(q for factor in factors for q in factor)
        return ResultRule(
            key=key,
            label=self.text(raw, "label", f"{self.form_id}.results.{key}.label", f"result '{key}'") or Text(key, (("en", key),)),
            method=str(raw.get("method", "")),
            questions=questions,
            results=tuple(str(r) for r in raw.get("results") or ()),
            conditions=conditions,
            levels=str(raw["levels"]) if raw.get("levels") else None,
            decimals=int(raw.get("decimals", 2)),
            line=raw.line,
            section=str(raw["section"]) if raw.get("section") else None,
            dont_know=str(raw.get("dont_know", "unanswered")),
            factors=factors if any(len(f) > 1 for f in factors) else (),
        )

    def factor(self, item: Any, raw: dict) -> tuple[str, ...]:
        """One input of a result: a question id, or `{higher_of: [a, b]}` (the higher of their answers)."""
        if isinstance(item, dict):
            ids = item.get("higher_of")
            if set(item) != {"higher_of"} or not isinstance(ids, list) or len(ids) < 2:
                self.problem(raw.line_of("questions"), "bad_factor", key=raw.get("key", ""))
                return ()
            return tuple(str(q) for q in ids)
        return (str(item),)


def _tidy(text: str) -> str:
    """Folded YAML scalars keep paragraph breaks; trailing and doubled spaces go."""
    paragraphs = [" ".join(p.split()) for p in text.strip().split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p)
