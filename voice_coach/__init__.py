"""voice_coach: practise phone-screen interviews aloud, analysed on your own machine."""

import os as _os

# onnxruntime >= 1.29 (pulled in by faster-whisper for Silero VAD) starts a telemetry uploader when it
# is first imported: a device id and queued events under ~/.cache/Microsoft/DeveloperTools, a /tmp/.ses
# file, and DNS queries for mobile.events.data.microsoft.com about 10 s later. Its own documented
# opt-out is this variable, read once at that import (disable_telemetry_events() stops neither), so it
# is set here, before any voice_coach module can import onnxruntime. Overwritten, not defaulted: an
# inherited "0" must not turn it back on. Checked with strace in tests/test_privacy.py.
_os.environ["ORT_DISABLE_TELEMETRY"] = "1"

__version__ = "0.1.0"
