"""Analyse recorded answers: a file is replayed block by block through the same live path as a microphone."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from voice_coach.analysis.answer import AnswerAnalysis
from voice_coach.audio.decode import iter_blocks
from voice_coach.core.interfaces import Transcriber
from voice_coach.live.analyzer import FILE_STRETCH_S, LiveAnalyzer
from voice_coach.core.settings import AnalysisSettings
from voice_coach.core.timed import SAMPLE_RATE

Progress = Callable[[float], None]
"""Called with the seconds of audio processed so far."""


def load_transcriber(model: str | None = None, device: str = "cpu", compute_type: str = "int8") -> Transcriber:
    from voice_coach.engines.whisper import WhisperTranscriber

    return WhisperTranscriber(model, device=device, compute_type=compute_type)


def analyze_file(
    path: Path,
    settings: AnalysisSettings = AnalysisSettings(),
    model: str | None = None,
    progress: Progress | None = None,
    transcriber: Transcriber | None = None,
    notices: list[str] | None = None,
) -> AnswerAnalysis:
    """The whole analysis of one file; what was wrong with it but could be read past goes to `notices`."""
    transcriber = transcriber or load_transcriber(model)
    live = LiveAnalyzer(
        transcriber, settings, background=False, model_name=getattr(transcriber, "name", ""), stretch_s=FILE_STRETCH_S
    )
    for block in iter_blocks(Path(path), notices=notices):
        live.insert(block)
        if progress:
            progress(live.recording.length / SAMPLE_RATE)
    return live.finish(source=str(path))


def probe_duration(path: Path) -> float | None:
    """The file's length in seconds from its header, for a progress bar; None if unknown."""
    try:
        import av

        with av.open(str(path), metadata_errors="ignore") as container:
            if container.duration:
                return container.duration / 1_000_000
            stream = container.streams.audio[0]
            if stream.duration and stream.time_base:
                return float(stream.duration * stream.time_base)
    except Exception:  # noqa: BLE001 - only a progress hint
        return None
    return None
