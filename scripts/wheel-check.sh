#!/usr/bin/env bash
# Build the sdist and the wheel, install the wheel into a fresh virtual environment outside the checkout,
# and use it from an empty folder as a user who ran `pip install` would: every format in en, ar and zh,
# samples, an import, init and lint of the copied content. Any failure fails (CI runs this after `make test`).
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-python3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$python" -m venv "$work/build-env"
"$work/build-env/bin/pip" install --quiet --upgrade pip build
"$work/build-env/bin/python" -m build --outdir "$work/dist" . >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
wheel="$(ls "$work"/dist/*.whl)"
echo "built $(basename "$wheel") and $(basename "$(ls "$work"/dist/*.tar.gz)")"

"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install --quiet "$wheel"
aitk="$work/venv/bin/aitk-forms"
mkdir "$work/empty"
cd "$work/empty"
"$aitk" --version
"$aitk" build --lang en,ar,zh --out build >/dev/null
test "$(find build -type f | wc -l)" -eq 30   # 3 languages x (3 forms x 3 formats + 1 pack)
"$aitk" sample --count 9 --build build --out samples
"$aitk" import samples --out report >/dev/null
for report in import-log.csv consolidated.xlsx report.docx report.pdf; do test -s "report/$report"; done
"$aitk" init agency-content
"$aitk" lint --content agency-content
if "$aitk" i18n extract 2>/dev/null; then echo "i18n extract wrote into the bundled content" >&2; exit 1; fi
echo "wheel check passed: the installed wheel builds, fills, imports, reports and copies its content from $work/empty"
