#!/usr/bin/env bash
# Make sure the Debian packages a target needs are present: install them when run as root on
# Debian, otherwise stop with a message naming what to install.
#   scripts/system-deps.sh demo   fonts and Pango for the PDF outputs
#   scripts/system-deps.sh test   the above, plus LibreOffice, poppler, gettext, PostgreSQL, Dovecot (IMAP) and jing (OOXML schemas) for the tests
set -euo pipefail

demo_packages="fonts-noto-core fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig"
# Carlito has Calibri's metrics: LibreOffice then lays out the Word and Excel forms (which name Calibri) as Office does.
test_packages="$demo_packages fonts-crosextra-carlito libreoffice-writer-nogui libreoffice-calc-nogui python3-uno poppler-utils poppler-data gettext postgresql dovecot-imapd jing openssl"
# Node and npm for the pdf.js client of the tests; a Node installed otherwise (NodeSource brings its own npm) is kept.
command -v npm >/dev/null 2>&1 || test_packages="$test_packages nodejs npm"

case "${1:-}" in
  demo) wanted=$demo_packages ;;
  test) wanted=$test_packages ;;
  *) echo "usage: $0 demo|test" >&2; exit 2 ;;
esac

if [ "${AITK_SKIP_SYSTEM_DEPS:-}" = "1" ]; then
  exit 0
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "This is not a Debian system. Install the equivalents of: $wanted" >&2
  echo "(or set AITK_SKIP_SYSTEM_DEPS=1 to go on without them; tests that need them are then skipped)" >&2
  exit 1
fi

missing=""
for package in $wanted; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  case "$status" in *"install ok installed"*) ;; *) missing="$missing $package" ;; esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages:$missing" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # shellcheck disable=SC2086
  apt-get install -y -qq --no-install-recommends $missing >/dev/null
  exit 0
fi

echo "Missing Debian packages:$missing" >&2
echo "Install them with: sudo apt-get install$missing" >&2
echo "(or set AITK_SKIP_SYSTEM_DEPS=1 to go on without them; tests that need them are then skipped)" >&2
exit 1
