"""What the interviewer says: the editable lines of prompts/interviewer.toml, checked on load."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from voice_coach.core.errors import VoiceCoachError
from voice_coach.interview.bank_loader import PROMPTS_DIR

DEFAULT_LINES_PATH = PROMPTS_DIR / "interviewer.toml"
LINE_FIELDS = {"greeting": ("role", "count"), "first_question": ("question",), "next_question": ("question",),
               "last_question": ("question",), "repeat_offer": (), "repeat_question": ("question",),
               "move_on": (), "followup": ("probe",), "closing": (),
               "closing_question": ("question",), "retry_question": ("question",)}
OPTIONAL_LINES = {
    "closing_question": "Thank you. {question}",
    "retry_question": "Of course, let's try that one again. {question}",
}
"""Keys added after the first release: a lines file written before them still loads, with these."""


@dataclass(frozen=True)
class InterviewerLines:
    """The editable lines of prompts/interviewer.toml; a list key gives one of its lines at random."""

    lines: dict[str, tuple[str, ...]]

    def say(self, key: str, rng: random.Random | None = None, **values: str) -> str:
        options = self.lines[key]
        text = options[0] if rng is None or len(options) == 1 else rng.choice(options)
        return " ".join(text.format(**values).split())


def load_lines(path: Path | str | None = None) -> InterviewerLines:
    """Read and check the interviewer's lines; a broken file gives one line naming the file and key."""
    import tomllib

    path = Path(path) if path else DEFAULT_LINES_PATH
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise VoiceCoachError(f"{path}: cannot read the interviewer's lines ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise VoiceCoachError(f"{path}: not valid TOML ({exc})") from None
    lines: dict[str, tuple[str, ...]] = {}
    for key, fields in LINE_FIELDS.items():
        value = data.get(key, OPTIONAL_LINES.get(key))
        options = (value,) if isinstance(value, str) else tuple(value) if isinstance(value, list) else ()
        if not options or not all(isinstance(v, str) and v.strip() for v in options):
            raise VoiceCoachError(f"{path}: '{key}' must be a line of text or a list of lines")
        for text in options:
            try:
                text.format(**{f: "x" for f in fields})
            except (KeyError, IndexError, ValueError) as exc:
                allowed = ", ".join("{" + f + "}" for f in fields) or "no placeholders"
                raise VoiceCoachError(f"{path}: '{key}' uses an unknown placeholder {exc}; allowed: {allowed}") from None
        lines[key] = options
    return InterviewerLines(lines)

