"""Where the store lives: --home, else $VOICE_COACH_HOME, else the platform's user data directory."""

from __future__ import annotations

import os
import re
from pathlib import Path

from voice_coach.store.errors import StoreError

ENV_HOME = "VOICE_COACH_HOME"
DB_NAME = "voice-coach.sqlite3"
AUDIO_DIR = "audio"
ORPHANS_PREFIX = "orphans-"
"""Folders under audio/ holding recordings the database did not know (kept, never deleted by a sweep)."""

SESSION_ID = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}-[0-9]{4}(?:-[1-9][0-9]{0,5})?")
"""The ids Store.start_session makes: the local start time, plus -2, -3, ... within one minute."""

AUDIO_NAME = re.compile(r"[0-9]{3,6}\.flac")
"""The answer files save_answer writes: 001.flac, 002.flac, ..."""


def is_session_id(text: object) -> bool:
    return isinstance(text, str) and SESSION_ID.fullmatch(text) is not None


def audio_folder(home: Path, session_id: object) -> Path:
    """The folder of a session's audio; the one place a path is built from a session id.

    Ids come from the database, which another program (or a person) may have changed: anything but
    an id this program makes (`../../x`, `/etc`, `a/b`) is refused, so it can never name a folder
    outside the store.
    """
    if not is_session_id(session_id):
        raise _bad_id(session_id)
    return home / AUDIO_DIR / str(session_id)


def answer_audio_path(home: Path, session_id: object, stored: object) -> Path:
    """The absolute path of an answer's audio from its row, refused unless it is audio/SESSION/NNN.flac."""
    folder = audio_folder(home, session_id)
    parts = stored.split("/") if isinstance(stored, str) else []
    if len(parts) != 3 or parts[:2] != [AUDIO_DIR, session_id] or not AUDIO_NAME.fullmatch(parts[2]):
        raise StoreError(f"the audio path {stored!r} of session {session_id} in the database is not one voice-coach "
                         "makes; refusing to use it")  # fmt: skip
    return folder / parts[2]


def _bad_id(session_id: object) -> StoreError:
    return StoreError(f"the session id {session_id!r} in the database is not one voice-coach makes "
                      "(YYYY-MM-DD-HHMM); refusing to use it as a folder name")  # fmt: skip


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
