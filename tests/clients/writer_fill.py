"""Fill Word forms in LibreOffice Writer over UNO, as a respondent would, and save them as .docx.

Run by Debian's /usr/bin/python3 (it has the `uno` module), not by the project's venv:

    /usr/bin/python3 tests/clients/writer_fill.py jobs.json

jobs.json is a list of {"source": in.docx, "target": out.docx, "fill": {bookmark: value}}.
Each control is found by its enclosing bookmark `ans_<question id>`, as the renderer names it
(sdt.bookmark_name; writer_plan.py makes the job lists), because Writer drops `w:tag`.
A value is the text to type (a newline types a line break), the label to choose from a
drop-down, an ISO date for a date picker, or true to tick a check box. Text is typed through
the dispatcher, the path keystrokes take: Writer 7.4 then keeps the control's "showing
placeholder" flag and gives the text the formatting of the first character it replaces. Jobs run in order in
one Writer process, so a job may open what an earlier job saved. Prints one JSON line per job.
"""

from __future__ import annotations

import json
import os
import sys

import office
import uno
from com.sun.star.text.ControlCharacter import LINE_BREAK

_property = office.prop


def start_writer():
    """A headless Writer with its own profile; returns (process, desktop, dispatcher, profile)."""
    process, context, desktop, profile = office.start_office("aitk-writer-")
    dispatcher = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", context)
    return process, desktop, dispatcher, profile


def content_control(document, anchor):
    """The content control inside the bookmark's range."""
    cursor = document.getText().createTextCursorByRange(anchor)
    for paragraph in cursor.createEnumeration():
        for portion in paragraph.createEnumeration():
            if portion.TextPortionType == "ContentControl":
                return portion.ContentControl
    raise LookupError("no content control inside the bookmark")


def replace_content(document, anchor, value):
    """Select the control's content and type over it. The cursor starts one step in: the
    bookmark starts before the control's own start mark."""
    text = document.getText()
    cursor = text.createTextCursorByRange(anchor.getStart())
    cursor.goRight(1, False)
    cursor.goRight(len(anchor.getString()), True)
    lines = value.split("\n")
    cursor.setString(lines[0])
    cursor.collapseToEnd()
    for line in lines[1:]:
        text.insertControlCharacter(cursor, LINE_BREAK, False)
        text.insertString(cursor, line, False)


def type_text(document, dispatcher, anchor, value):
    """Select the control's content and type over it as a respondent does (`.uno:InsertText`,
    Shift+Enter for a new line), not through the API that sets the text directly."""
    cursor = document.getText().createTextCursorByRange(anchor.getStart())
    cursor.goRight(1, False)
    cursor.goRight(len(anchor.getString()), True)
    controller = document.getCurrentController()
    controller.select(cursor)
    frame = controller.getFrame()
    for index, line in enumerate(value.split("\n")):
        if index:
            dispatcher.executeDispatch(frame, ".uno:InsertLinebreak", "", 0, ())
        dispatcher.executeDispatch(frame, ".uno:InsertText", "", 0, (_property("Text", line),))


def fill_control(document, dispatcher, name, value):
    bookmarks = document.getBookmarks()
    if not bookmarks.hasByName(name):
        raise LookupError(f"no bookmark {name}")
    anchor = bookmarks.getByName(name).getAnchor()
    control = content_control(document, anchor)
    if control.Checkbox:
        control.Checked = bool(value)
        replace_content(document, anchor, control.CheckedState if value else control.UncheckedState)
        return
    if not control.ListItems and not control.Date:
        type_text(document, dispatcher, anchor, value)
        return
    if control.ListItems:
        labels = [dict((p.Name, p.Value) for p in item)["DisplayText"] for item in control.ListItems]
        if value not in labels:
            raise ValueError(f"{name}: '{value}' is not in the list {labels}")
    # A choice from the list or the calendar: Writer replaces the content and clears the flag.
    replace_content(document, anchor, value)
    control.ShowingPlaceHolder = False
    if control.Date:
        control.CurrentDate = f"{value}T00:00:00Z"


def run_job(desktop, dispatcher, job):
    url = uno.systemPathToFileUrl(os.path.abspath(job["source"]))
    document = desktop.loadComponentFromURL(url, "_blank", 0, (_property("Hidden", True),))
    if document is None:
        raise RuntimeError(f"Writer could not open {job['source']}")
    try:
        # No layout or repaint after each answer (about a quarter of the time); typing is unchanged.
        document.lockControllers()
        for name, value in job.get("fill", {}).items():
            fill_control(document, dispatcher, name, value)
        document.unlockControllers()
        target = uno.systemPathToFileUrl(os.path.abspath(job["target"]))
        document.storeToURL(target, (_property("FilterName", "MS Word 2007 XML"), _property("Overwrite", True)))
    finally:
        document.close(True)


def main(argv):
    with open(argv[1], encoding="utf-8") as handle:
        jobs = json.load(handle)
    process, desktop, dispatcher, profile = start_writer()
    failed = 0
    try:
        for job in jobs:
            try:
                run_job(desktop, dispatcher, job)
                print(json.dumps({"target": job["target"], "ok": True}), flush=True)
            except Exception as error:  # report and go on: one bad job must not hide the others
                failed += 1
                print(json.dumps({"target": job["target"], "ok": False, "error": str(error)}), flush=True)
    finally:
        office.stop_office(process, desktop, profile)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
