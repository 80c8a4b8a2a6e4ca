#!/usr/bin/env bash
# Install the Debian packages the platform needs, when missing and when running as root:
# CJK fonts for documents, Pango for WeasyPrint, Chromium for browser tests, poppler tools,
# LibreOffice for the DOCX tests.
set -euo pipefail
need=()
# Read the lists first: with pipefail, `fc-list | grep -q` fails when grep stops reading early.
fonts=$(fc-list 2>/dev/null || true)
libs=$(ldconfig -p 2>/dev/null || true)
grep -q "Noto Serif CJK" <<<"$fonts" || need+=(fonts-noto-cjk)
grep -qi "AR PL UKai" <<<"$fonts" || need+=(fonts-arphic-ukai)
grep -q "libpangoft2-1.0" <<<"$libs" || need+=(libpango-1.0-0 libpangoft2-1.0-0)
grep -q "libharfbuzz-subset" <<<"$libs" || need+=(libharfbuzz-subset0)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v pg_isready >/dev/null 2>&1 || need+=(postgresql-client)
# LibreOffice: the real Word-like client the DOCX tests open the editable copy with.
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" != "0" ]; then
  echo "Missing system packages: ${need[*]} — install them with apt-get as root." >&2
  exit 0
fi
echo "Installing system packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
