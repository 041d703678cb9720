"""`voice-coach analyze` end to end: real audio made here, the real embedded model, the JSON contract, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from voice_coach.testing.synth import Filler, build_answer, write_wav

pytestmark = pytest.mark.slow

SCRIPT = [
    "At my last job I handled billing calls for an internet provider.",
    Filler("um"),
    "One morning a customer called because she had been charged twice.",
    2.0,
    "I checked her account, found the duplicate payment and refunded it the same day.",
    Filler("uh"),
    "She thanked me and renewed her contract for another year.",
]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "voice_coach", "analyze", *args], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def answers(tmp_path_factory) -> list[tuple[Path, object]]:
    """Three renderings: different voices, rates, lead-in and noise."""
    out = tmp_path_factory.mktemp("answers")
    made = []
    for i, (voice, rate, noise, lead) in enumerate([("en-us", 160, None, 1.3), ("en-gb+f3", 145, 25.0, 0.6), ("en-us+m3", 190, 30.0, 2.2)]):
        answer = build_answer(SCRIPT, voice=voice, rate_wpm=rate, lead_in_s=lead, noise_snr_db=noise, seed=i)
        path = out / f"answer_{i}.wav"
        write_wav(path, answer)
        made.append((path, answer))
    return made


@pytest.fixture(scope="module")
def results(answers) -> list[dict]:
    proc = run_cli("--json", *[str(p) for p, _ in answers])
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == len(answers)
    return [json.loads(line) for line in lines]


def test_contract_fields(results):
    for r in results:
        assert isinstance(r["duration_s"], float) and isinstance(r["transcript"], str)
        for w in r["words"]:
            assert set(w) >= {"text", "start", "end", "filler"}
        assert isinstance(r["pace"]["wpm"], float)
        assert isinstance(r["fillers"]["count"], int)
        assert all(set(f) >= {"text", "start", "end"} for f in r["fillers"]["items"])
        assert all(set(p) >= {"start", "end"} for p in r["pauses"]["items"])
        assert isinstance(r["pauses"]["response_latency_s"], float)
        assert all(s["label"] in ("situation", "task", "action", "result") for s in r["star"]["segments"])


def test_latency_pause_and_pace_match_truth(answers, results):
    for (_, truth), r in zip(answers, results):
        assert r["pauses"]["response_latency_s"] == pytest.approx(truth.first_speech_s, abs=0.05)
        (t0, t1), = truth.pauses(1.0)
        found = [(p["start"], p["end"]) for p in r["pauses"]["items"]]
        assert len(found) == 1, found
        assert found[0][0] == pytest.approx(t0, abs=0.25) and found[0][1] == pytest.approx(t1, abs=0.25)
        assert r["pace"]["wpm"] == pytest.approx(truth.wpm, rel=0.10)


def test_spoken_hesitations_found(answers, results):
    for (_, truth), r in zip(answers, results):
        items = r["fillers"]["items"]
        for f in truth.fillers:
            assert any(i["start"] - 0.3 < f.end and i["end"] + 0.3 > f.start for i in items), (f, items)
        assert r["fillers"]["count"] <= len(truth.fillers) + 1


def test_transcript_and_star(results):
    r = results[0]
    text = r["transcript"].lower()
    for word in ("billing", "customer", "refunded", "contract"):
        assert word in text
    labels = [s["label"] for s in r["star"]["segments"]]
    assert labels[0] == "situation" and "action" in labels and labels[-1] == "result"


def test_silence_is_not_an_error(tmp_path):
    path = tmp_path / "silence.wav"
    sf.write(path, np.zeros(16000 * 4, dtype=np.float32), 16000)
    proc = run_cli("--json", str(path))
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout)
    assert r["no_speech"] is True and r["transcript"] == "" and r["fillers"]["count"] == 0
    human = run_cli(str(path))
    assert "No speech was detected" in human.stdout


def test_other_rates_channels_and_formats(tmp_path, answers):
    _, truth = answers[0]
    stereo = np.stack([truth.samples, truth.samples], axis=1)
    cases = {"st8k.wav": (stereo[::2], 8000, "PCM_16"), "f48.wav": (np.repeat(truth.samples, 3), 48000, "FLOAT"), "a.flac": (truth.samples, 16000, "PCM_16")}
    paths = []
    for name, (data, rate, subtype) in cases.items():
        sf.write(tmp_path / name, data, rate, subtype=subtype)
        paths.append(str(tmp_path / name))
    proc = run_cli("--json", *paths)
    assert proc.returncode == 0, proc.stderr
    for line in proc.stdout.splitlines():
        r = json.loads(line)
        assert r["duration_s"] == pytest.approx(truth.duration_s, abs=0.05)
        assert r["pauses"]["response_latency_s"] == pytest.approx(truth.first_speech_s, abs=0.06)
        assert "refund" in r["transcript"].lower()


def _bad_files(tmp: Path, good: Path) -> dict[str, Path]:
    data = good.read_bytes()
    files = {
        "missing": tmp / "nope.wav",
        "folder": tmp,
        "empty": tmp / "empty.wav",
        "text": tmp / "notes.wav",
        "truncated": tmp / "truncated.wav",
        "corrupt": tmp / "corrupt.wav",
        "no samples": tmp / "zero.wav",
    }
    files["empty"].write_bytes(b"")
    files["text"].write_text("this is not audio\n")
    files["truncated"].write_bytes(data[: len(data) // 3])
    files["corrupt"].write_bytes(data[:8] + b"WAVX" + data[12:])
    sf.write(files["no samples"], np.zeros(0, dtype=np.float32), 16000)
    return files


def test_bad_input_gets_one_line_and_nonzero_exit(tmp_path, answers):
    for name, path in _bad_files(tmp_path / "bad", answers[0][0]).items() if (tmp_path / "bad").mkdir() is None else {}:
        proc = run_cli(str(path))
        assert proc.returncode != 0, name
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("voice-coach: "), (name, proc.stderr)
        assert "Traceback" not in proc.stderr


def test_one_bad_file_does_not_stop_the_others(tmp_path, answers):
    proc = run_cli("--json", str(tmp_path / "missing.wav"), str(answers[0][0]))
    assert proc.returncode == 2
    assert len(proc.stdout.strip().splitlines()) == 1
    assert "missing.wav: no such file" in proc.stderr


def test_missing_model_folder_is_one_line(tmp_path, answers):
    proc = run_cli("--model", str(tmp_path), str(answers[0][0]))
    assert proc.returncode == 2 and "no model.bin" in proc.stderr and "Traceback" not in proc.stderr


def test_nan_and_inf_samples_are_read_as_silence_and_said_once(tmp_path, answers):
    """A damaged float file: the NaN/inf samples become silence, one line says so, the speech is analysed."""
    _, truth = answers[0]
    data = truth.samples.astype(np.float32).copy()
    data[int(0.2 * 16000):int(0.5 * 16000)] = np.nan  # inside the lead-in silence
    data[int(1.0 * 16000)] = np.inf
    path = tmp_path / "damaged.wav"
    sf.write(path, data, 16000, subtype="FLOAT")
    proc = run_cli("--json", str(path))
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout)
    assert r["no_speech"] is False and "refund" in r["transcript"].lower()
    assert r["pauses"]["response_latency_s"] == pytest.approx(truth.first_speech_s, abs=0.06)
    lines = [l for l in proc.stderr.splitlines() if "not numbers" in l]
    assert len(lines) == 1 and "4,801 samples" in lines[0] and "read as silence" in lines[0], proc.stderr
    assert "RuntimeWarning" not in proc.stderr


def test_impossible_sample_rate_is_one_line(tmp_path, answers):
    good, _ = answers[0]
    raw = bytearray(good.read_bytes())
    raw[24:28] = (1_000_000_000).to_bytes(4, "little")  # the fmt chunk's sample rate
    path = tmp_path / "fast.wav"
    path.write_bytes(bytes(raw))
    proc = run_cli("--json", str(path))
    assert proc.returncode == 2 and proc.stdout == ""
    lines = [l for l in proc.stderr.splitlines() if l.strip()]
    assert len(lines) == 1 and "sample rate" in lines[0] and "Traceback" not in proc.stderr, proc.stderr
