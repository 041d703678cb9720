"""The saved-sessions store: SQLite (WAL) for sessions, answers and metrics, FLAC files for the audio.

Import is cheap (no numpy): `history` and `progress` must start fast.
"""

from voice_coach.store.errors import StoreError
from voice_coach.store.records import AnswerRecord, SessionSummary
from voice_coach.store.store import Store

__all__ = ["AnswerRecord", "SessionSummary", "Store", "StoreError"]
