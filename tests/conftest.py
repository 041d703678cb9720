"""Shared fixtures: a private PulseAudio daemon with a null sink for tests through a real audio stack."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from pulse_server import (
    PulseServer,
    pulseaudio_binary,
    rescan_sounddevice,
    start_pulse_server,
)


@pytest.fixture(scope="session")
def pulse_server() -> Iterator[PulseServer]:
    """One daemon for the session; PULSE_SERVER points at it (for this process and its children).

    Skipped only when the `pulseaudio` binary is missing; a daemon that fails to start fails the test.
    """
    if pulseaudio_binary() is None:
        pytest.skip("the `pulseaudio` binary is not installed (apt-get install pulseaudio pulseaudio-utils)")
    server = start_pulse_server()
    rescan_sounddevice()
    try:
        yield server
    finally:
        server.stop()
        rescan_sounddevice()


@pytest.fixture()
def use_pulse(pulse_server: PulseServer) -> Iterator[PulseServer]:
    """The session daemon, made current again for one test (another test may have moved PULSE_SERVER)."""
    if os.environ.get("PULSE_SERVER") != pulse_server.server:
        os.environ["PULSE_SERVER"] = pulse_server.server
        rescan_sounddevice()
    yield pulse_server
