#!/usr/bin/env bash
# Installs the Debian packages the browser tests and exports need (Chromium, fonts, pdftotext, wrk,
# LibreOffice Calc for the client tests of the downloads, Node and npm for the JSON-stat toolkit,
# nginx for the replica test and deployment: tests run their own nginx as the user, on loopback).
# Idempotent: does nothing when everything is already there. Needs root (CI and dev machines run as root).
set -euo pipefail
need=()
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v pdftotext >/dev/null 2>&1 || need+=(poppler-utils)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-calc-nogui)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
fc-list 2>/dev/null | grep -qi "DejaVu Sans" || need+=(fonts-dejavu-core fontconfig)
# Liberation Sans: the reports' charts are set in it (the font vl-convert measures them with).
[ -f /usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf ] || need+=(fonts-liberation2)
if [ ${#need[@]} -eq 0 ]; then exit 0; fi
if [ "$(id -u)" != 0 ]; then
  echo "Missing system packages: ${need[*]} — install them with: sudo apt-get install ${need[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
