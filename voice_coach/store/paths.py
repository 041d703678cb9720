"""Where the store lives: --home, else $VOICE_COACH_HOME, else the platform's user data directory."""

from __future__ import annotations

import os
from pathlib import Path

ENV_HOME = "VOICE_COACH_HOME"
DB_NAME = "voice-coach.sqlite3"
AUDIO_DIR = "audio"


def resolve_home(home: Path | str | None = None) -> Path:
    """The data directory to use; nothing is created here."""
    if home:
        return Path(home).expanduser()
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("voice-coach", appauthor=False))


def make_private_dir(path: Path) -> None:
    """Create `path` (and missing parents) so that a folder we create is readable by its owner only (0700).

    A folder that already exists keeps its mode, except our own audio folders which are always 0700.
    """
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for folder in reversed(missing):
        folder.mkdir(mode=0o700, exist_ok=True)
        os.chmod(folder, 0o700)  # mkdir's mode is masked by the umask


def is_read_only_fs(path: Path) -> bool:
    """True when the file system holding `path` (or its nearest existing parent) is mounted read-only."""
    probe = path
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    try:
        return bool(os.statvfs(probe).f_flag & os.ST_RDONLY)
    except OSError:
        return False
