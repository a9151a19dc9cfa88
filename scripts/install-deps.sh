#!/usr/bin/env bash
# Installs the system libraries bookvox links against (Debian/Ubuntu), and epubcheck, which the tests run on the
# read-along EPUB, and PostgreSQL, whose server the tests of the PostgreSQL job store start (scripts/test-postgres.sh).
set -euo pipefail
PKGS=(libopenblas-dev libfftw3-dev libsndfile1-dev libmp3lame-dev libespeak-ng-dev espeak-ng-data libebur128-dev libsoxr-dev zlib1g-dev libxml2-dev libavformat-dev libavcodec-dev libavutil-dev libsqlite3-dev librubberband-dev libdnnl-dev pkg-config sox epubcheck postgresql)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
