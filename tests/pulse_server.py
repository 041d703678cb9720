"""A private PulseAudio daemon with a null sink, so tests can play into a "speaker" and record it back.

The recipe is the one verified in notes/audio-stack.md: a null sink `vc_sink` whose monitor is the
default source, plus a loopback from that monitor into a second null sink that keeps the sink
rendering in 20 ms blocks (otherwise a null sink nobody records from at low latency renders in 2 s
blocks and new recordings start up to 2 s late). The daemon is started as a plain child process
and stopped by its own PID; nothing else on the machine is touched.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

SINK = "vc_sink"
MONITOR = "vc_sink.monitor"

_INIT_PA = """\
load-module module-native-protocol-unix socket={dir}/native auth-anonymous=1
load-module module-null-sink sink_name={sink} sink_properties=device.description={sink}
load-module module-null-sink sink_name=vc_drain
load-module module-loopback source={sink}.monitor sink=vc_drain latency_msec=20 source_dont_move=true sink_dont_move=true
set-default-sink {sink}
set-default-source {sink}.monitor
"""


class PulseUnavailable(RuntimeError):
    """The pulseaudio binary is missing or the daemon did not come up."""


@dataclass
class PulseServer:
    """One running private daemon; `server` is the value for PULSE_SERVER."""

    directory: Path
    process: subprocess.Popen
    server: str
    previous_env: str | None = None
    _stopped: bool = field(default=False, repr=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def alive(self) -> bool:
        return self.process.poll() is None

    def env(self) -> dict[str, str]:
        """An environment for child processes (paplay, pactl, the CLI) that reaches this daemon."""
        env = dict(os.environ)
        env["PULSE_SERVER"] = self.server
        return env

    def pactl(self, *args: str, timeout_s: float = 5.0) -> str:
        out = subprocess.run(
            ["pactl", *args], env=self.env(), capture_output=True, text=True, timeout=timeout_s, check=True
        )
        return out.stdout

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Make the daemon vanish abruptly (a microphone unplugged, a sound server crashing)."""
        if self.alive:
            os.kill(self.pid, sig)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop the daemon by its PID, remove its directory and restore PULSE_SERVER."""
        if self._stopped:
            return
        self._stopped = True
        if self.alive:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if os.environ.get("PULSE_SERVER") == self.server:
            if self.previous_env is None:
                os.environ.pop("PULSE_SERVER", None)
            else:
                os.environ["PULSE_SERVER"] = self.previous_env
        shutil.rmtree(self.directory, ignore_errors=True)


def _die_with_parent() -> None:
    """In the child: ask Linux to send SIGTERM if the test process dies without stopping the daemon."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def pulseaudio_binary() -> str | None:
    return shutil.which("pulseaudio")


def start_pulse_server(settle_s: float = 2.5, set_env: bool = True, ready_timeout_s: float = 10.0) -> PulseServer:
    """Start a daemon, wait until `pactl info` answers, then let the sink settle into 20 ms blocks.

    With `set_env`, PULSE_SERVER is set in this process (and so inherited by children). A process
    that already imported sounddevice must re-scan devices afterwards (`rescan_sounddevice`).
    """
    binary = pulseaudio_binary()
    if binary is None:
        raise PulseUnavailable("the `pulseaudio` binary is not installed")
    directory = Path(tempfile.mkdtemp(prefix="vc-pulse-"))
    (directory / "init.pa").write_text(_INIT_PA.format(dir=directory, sink=SINK))
    env = dict(os.environ)
    env.update(HOME=str(directory), XDG_RUNTIME_DIR=str(directory))
    env.pop("PULSE_SERVER", None)
    with open(directory / "pulse.log", "wb") as log:
        process = subprocess.Popen(
            [binary, "-n", "-F", str(directory / "init.pa"), "--daemonize=no", "--exit-idle-time=-1",
             "--use-pid-file=no", "--log-level=error"],
            env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent,  # noqa: PLW1509 - only a prctl call in the child
        )
    server = PulseServer(directory, process, f"unix:{directory}/native", os.environ.get("PULSE_SERVER"))
    deadline = time.monotonic() + ready_timeout_s
    while True:
        if not server.alive:
            text = (directory / "pulse.log").read_text(errors="replace").strip()
            server.stop()
            raise PulseUnavailable(f"pulseaudio exited at start: {text[-300:]}")
        try:
            server.pactl("info", timeout_s=2.0)
            break
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            if time.monotonic() > deadline:
                server.stop()
                raise PulseUnavailable("pulseaudio did not answer `pactl info` within 10 s")
            time.sleep(0.1)
    time.sleep(settle_s)
    if set_env:
        os.environ["PULSE_SERVER"] = server.server
    return server


def rescan_sounddevice() -> None:
    """Make an already imported sounddevice see the devices of the current PULSE_SERVER."""
    if "sounddevice" in sys.modules:
        sd = sys.modules["sounddevice"]
        sd._terminate()
        sd._initialize()
