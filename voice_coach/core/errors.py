"""One error type the CLI turns into a single line and a non-zero exit."""


class VoiceCoachError(Exception):
    """A failure the user can act on; its message is the one line they see."""

    exit_code = 2


class AudioInputError(VoiceCoachError):
    """An audio file that cannot be read: missing, a folder, not audio, corrupt, empty."""


class ModelError(VoiceCoachError):
    """The Whisper model is missing or cannot be loaded."""


class DeviceError(VoiceCoachError):
    """A microphone or speaker that is absent, fails to open or disappears."""
