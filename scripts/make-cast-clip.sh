#!/usr/bin/env bash
# Makes projects/cast/mara.wav, the second voice clip of the cast sample: one sentence in espeak-ng's en+f3 voice,
# synthesized by bookvox's built-in espeak engine (deterministic: the same bytes on every run) and written as 16-bit
# PCM WAV at espeak-ng's rate. Usage: scripts/make-cast-clip.sh [path/to/bookvox]
set -euo pipefail
BIN="${1:-.build/debug/bookvox}"
OUT="$(cd "$(dirname "$0")/.." && pwd)/projects/cast/mara.wav"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cat > "$WORK/clip.md" <<'BOOK'
---
title: clip
voices:
  mara: { espeak: en+f3 }
  default: mara
---

My name is Mara, and I keep the lighthouse clock with my grandfather.
BOOK
"$BIN" render "$WORK/clip.md" --engine espeak --project "$WORK/p" --quiet >/dev/null
SEGMENT="$(find "$WORK/p/segments" -name '*.wav' | head -n 1)"
# The segment is a 32-bit float WAV; write it as 16-bit PCM (Python's standard library only).
python3 - "$SEGMENT" "$OUT" <<'PY'
import struct, sys, wave
data = open(sys.argv[1], "rb").read()
assert data[:4] == b"RIFF" and data[8:12] == b"WAVE", "not a WAV file"
pos, fmt, samples = 12, None, None
while pos + 8 <= len(data):
    cid, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
    body = data[pos + 8:pos + 8 + size]
    if cid == b"fmt ":
        fmt = struct.unpack("<HHIIHH", body[:16])
    elif cid == b"data":
        samples = body
    pos += 8 + size + (size & 1)
tag, channels, rate, _, _, bits = fmt
assert bits == 32 and channels == 1 and tag in (3, 0xFFFE), f"expected mono 32-bit float, found {fmt}"
floats = struct.unpack(f"<{len(samples) // 4}f", samples)
pcm = b"".join(struct.pack("<h", max(-32767, min(32767, round(x * 32767)))) for x in floats)
with wave.open(sys.argv[2], "wb") as w:
    w.setnchannels(1)
    w.setsampwidth(2)
    w.setframerate(rate)
    w.writeframes(pcm)
print(f"{sys.argv[2]}: {len(floats) / rate:.2f} s at {rate} Hz")
PY
