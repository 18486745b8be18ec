// Fills a PDF form with pdf.js (the viewer of Firefox) and saves it as a viewer would.
//   node fill.mjs SOURCE.pdf TARGET.pdf VALUES.json
// VALUES.json maps each field name to what a respondent would enter: a string for a text field, the
// export value of the chosen button for a radio group, true or false for a check box.
// Prints a JSON report on stdout: the fields filled and the fields of the PDF that had no value given,
// so that the test can require that every field was reached through pdf.js's own annotation storage.
import { readFile, writeFile } from "node:fs/promises";

// pdf.js warns on stdout about polyfills it needs only for drawing; stdout carries the report alone.
console.log = (...args) => console.error(...args);
const { getDocument } = await import("pdfjs-dist/legacy/build/pdf.mjs");

const [source, target, valuesPath] = process.argv.slice(2);
if (!valuesPath) {
  console.error("usage: node fill.mjs SOURCE.pdf TARGET.pdf VALUES.json");
  process.exit(2);
}
const values = JSON.parse(await readFile(valuesPath, "utf8"));
const data = new Uint8Array(await readFile(source));
// No fonts are drawn here: pdf.js only parses, fills and writes, so the font loading of a browser is off.
const doc = await getDocument({ data, disableFontFace: true, useSystemFonts: false, verbosity: 0 }).promise;
const storage = doc.annotationStorage;
const filled = [];
const missing = [];

function entry(widget, value) {
  switch (widget.type) {
    case "text":
      return typeof value === "string" ? { value } : null;
    case "radiobutton":
      // The viewer stores true on the chosen button and false on the others of its group.
      return { value: widget.exportValues === value };
    case "checkbox":
      return typeof value === "boolean" ? { value } : null;
    default:
      return null;
  }
}

const fields = (await doc.getFieldObjects()) ?? {};
for (const [name, widgets] of Object.entries(fields)) {
  if (!(name in values)) {
    missing.push(name);
    continue;
  }
  for (const widget of widgets) {
    if (widget.kidIds) continue; // the parent of a radio group: its buttons follow as widgets of their own
    const stored = entry(widget, values[name]);
    if (stored === null) {
      console.error(`field ${name}: a ${widget.type} cannot take ${JSON.stringify(values[name])}`);
      process.exit(1);
    }
    storage.setValue(widget.id, stored);
  }
  filled.push(name);
}
await writeFile(target, await doc.saveDocument());
await doc.destroy();
process.stdout.write(`${JSON.stringify({ filled, missing })}\n`);
