#!/usr/bin/env bash
# Quick start on a fresh Debian/Ubuntu machine: install the system libraries, build bookvox
# (release), and render the sample book with the espeak engine into per-chapter MP3s and one M4B.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release
BIN="$(swift build -c release --show-bin-path)/bookvox"
"$BIN" render projects/sample/book.md --voice projects/sample/narrator.wav --engine espeak
echo
echo "Done. Per-chapter MP3s (and FLAC masters, subtitles, timings) and the book's M4B are in:"
ls -1 "$PWD/projects/sample/book.bookvox/export/"*.mp3 "$PWD/projects/sample/book.bookvox/export/"*.m4b
echo "The binary is $BIN (try: $BIN status projects/sample/book.bookvox)."
