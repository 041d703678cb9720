"""The store's API: files and modes, round trips, metrics, ids, schema versions, damage, forgetting."""

from __future__ import annotations

import errno
import json
from dataclasses import replace
import hashlib
import io
import os
import random
import sqlite3
import stat
import tracemalloc

import numpy as np
import pytest
import soundfile as sf

from voice_coach.analysis.answer import AnswerAnalysis
from voice_coach.analysis.session_figures import main_answer_figures
from voice_coach.core.timed import Word
from voice_coach.store import Store, StoreError, db
from voice_coach.store.audio_files import BLOCK_FRAMES, write_answer_audio
from voice_coach.store.paths import DB_NAME
from voice_coach.store.records import metrics_from_analysis
from voice_coach.testing.synthetic_store import synthetic_analysis
from voice_coach.store.upkeep import delete_all, delete_sessions, sweep_orphans

QUESTION = {"id": "b01", "category": "behavioral", "kind": "behavioral", "text": "Tell me about an upset caller.", "star": True}


def tone(seconds: float, rate: int = 16000, freq: float = 220.0) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.4 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def voice_like(seconds: float, seed: int, rate: int = 16000) -> np.ndarray:
    """A 180 Hz tone plus seeded noise (float64, about +-0.5): FLAC has real work to do on it."""
    t = np.arange(int(seconds * rate)) / rate
    return 0.35 * np.sin(2 * np.pi * 180.0 * t) + np.random.default_rng(seed).normal(0.0, 0.05, t.shape[0])


def save(store: Store, session: str, seed: int = 0, **kw) -> int:
    analysis = synthetic_analysis(random.Random(seed), **kw)
    return store.save_answer(session, question=QUESTION, audio=tone(1.0), sample_rate=16000, analysis=analysis, feedback="fine")


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "home")
    yield s
    s.close()


def test_open_makes_private_dir_and_files_with_wal(tmp_path):
    home = tmp_path / "a" / "home"
    with Store.open(home) as s:
        sid = s.start_session(bank="b", model="tiny.en", settings={})
        save(s, sid)
        assert s.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.schema_version(s.conn) == db.SCHEMA_VERSION
        files = [p for p in home.rglob("*") if p.is_file()]
        folders = [home, *(p for p in home.rglob("*") if p.is_dir())]
        assert {p.name for p in files} >= {DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm", "001.flac"}
        assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files), [(p, oct(p.stat().st_mode)) for p in files]
        assert all(stat.S_IMODE(p.stat().st_mode) == 0o700 for p in folders)


def test_home_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("VOICE_COACH_HOME", str(tmp_path / "env-home"))
    with Store.open() as s:
        assert s.home == tmp_path / "env-home"
    assert (tmp_path / "env-home" / DB_NAME).exists()


def test_readonly_open_of_missing_store_creates_nothing(tmp_path):
    with Store.open(tmp_path / "nothing", readonly=True) as s:
        assert s.sessions() == []
        with pytest.raises(StoreError, match="no session"):
            s.resolve_session("2026")
    assert not (tmp_path / "nothing").exists()


def test_answer_round_trip_keeps_audio_analysis_and_metrics(store):
    sid = store.start_session(bank="default", model="tiny.en", settings={"dead_air_s": 3.0})
    rng = random.Random(7)
    analysis = synthetic_analysis(rng, wpm=140, fillers=4, pauses=(1.2, 3.5, 4.1))
    audio = tone(2.5)
    n = store.save_answer(sid, question=QUESTION, audio=audio, sample_rate=16000, analysis=analysis, feedback="Slow down.")
    assert n == 1
    (rec,) = store.answers(sid)
    assert rec.analysis == analysis
    assert rec.question == QUESTION and rec.feedback == "Slow down." and rec.category == "behavioral"
    assert rec.metrics["dead_air_count"] == 2 and rec.metrics["pause_count"] == 3
    assert rec.metrics["filler_count"] == 4
    assert rec.metrics["wpm"] == pytest.approx(analysis.pace.wpm)
    samples, rate = store.read_audio(rec)
    assert rate == 16000 and samples.shape == audio.shape
    assert np.max(np.abs(samples - audio)) < 1.5 / 32768  # 16-bit FLAC


def test_metrics_of_an_old_record_with_missing_sections_and_numpy_values():
    old = AnswerAnalysis.from_dict({
        "duration_s": np.float64(30.0), "speech": [{"start": 0.5, "end": 30.0}],
        "words": [{"text": "hello", "start": 0.5, "end": 0.9}],
        "fillers": {"items": [{"text": "um", "start": 1, "end": 1.2}] * 3, "per_minute": 6.0},
        "pauses": {"items": [{"start": 5.0, "end": 8.2}, {"start": 10.0, "end": 11.1}],
                   "dead_air": [{"start": 5.0, "end": 8.2}], "longest_s": 3.2},
    })  # fmt: skip
    m = metrics_from_analysis(old)
    assert m["filler_count"] == 3 and m["fillers_per_min"] == pytest.approx(6.0)
    assert m["dead_air_count"] == 1 and m["longest_pause_s"] == pytest.approx(3.2) and m["pause_count"] == 2
    assert m["star_complete"] == 0.0 and m["word_count"] == 0
    assert metrics_from_analysis(AnswerAnalysis.from_dict({}))["filler_count"] == 0
    silent = metrics_from_analysis(AnswerAnalysis.from_dict({"pace": {"wpm": 0.0}, "pauses": {"response_latency_s": 9}}))
    assert silent["wpm"] is None and silent["response_latency_s"] is None and silent["no_speech"] == 1


def test_analysis_with_numpy_and_nan_is_stored_as_plain_json(store):
    sid = store.start_session(bank=None, model="m", settings={"band": (130, 160)})
    base = AnswerAnalysis.from_dict({})
    analysis = replace(base, duration_s=np.float32(12.5), pace=replace(base.pace, wpm=float("nan"), band=np.array([130, 160])))
    store.save_answer(sid, question={"id": "import", "text": "memo.m4a"}, audio=tone(0.5), sample_rate=16000,
                      analysis=analysis, feedback="")  # fmt: skip
    (rec,) = store.answers(sid)
    raw = json.loads(store.conn.execute("SELECT analysis_json FROM answer_details").fetchone()[0])
    assert raw["duration_s"] == 12.5 and raw["pace"]["wpm"] is None and raw["pace"]["band"] == [130, 160]
    assert rec.analysis.duration_s == 12.5 and rec.analysis.pace.wpm == 0.0
    assert rec.star_expected is True  # no "star" key: the settings default


def test_session_ids_are_typable_and_unique(store):
    ids = [store.start_session(bank=None, model="m", settings={}) for _ in range(3)]
    assert len(set(ids)) == 3
    for sid in ids:
        assert len(sid) <= 20 and sid[:4].isdigit() and " " not in sid
    assert ids[1] == ids[0] + "-2" or ids[1][:15] != ids[0][:15]


def test_answer_numbers_and_followups(store):
    sid = store.start_session(bank=None, model="m", settings={})
    first = save(store, sid, 1)
    second = store.save_answer(sid, question=QUESTION, audio=tone(0.3), sample_rate=16000,
                               analysis=synthetic_analysis(random.Random(2)), feedback="", is_followup=True,
                               parent_answer=first)  # fmt: skip
    assert (first, second) == (1, 2)
    recs = store.answers(sid)
    assert [r.number for r in recs] == [1, 2]
    assert recs[1].is_followup and recs[1].parent_number == 1
    assert [r.number for r in store.answers(sid, 2)] == [2]
    with pytest.raises(StoreError, match="no answer 3"):
        store.answers(sid, 3)


def test_unknown_session_on_save_writes_nothing(store):
    with pytest.raises(StoreError, match="no session"):
        save(store, "1999-01-01-0000")
    assert store.totals() == (0, 0)
    assert not (store.audio_root / "1999-01-01-0000").exists()


def test_history_summary_means(store):
    sid = store.start_session(bank=None, model="m", settings={})
    a1 = synthetic_analysis(random.Random(1), wpm=120, fillers=2, pauses=(3.5,), star="ST")
    a2 = synthetic_analysis(random.Random(2), wpm=180, fillers=6, pauses=(1.1, 3.2, 4.0), star="STAR")
    for a in (a1, a2):
        store.save_answer(sid, question=QUESTION, audio=tone(0.2), sample_rate=16000, analysis=a, feedback="")
    store.finish_session(sid, complete=True)
    (s,) = store.sessions()
    assert s.answers == 2 and s.complete is True
    figures = main_answer_figures([(a1, True, False), (a2, True, False)])  # the one definition, summed in SQL
    pooled = 60.0 * (a1.pace.word_count + a2.pace.word_count) / (a1.length.speaking_s + a2.length.speaking_s)
    assert s.wpm == pytest.approx(pooled) == pytest.approx(figures.wpm)
    per_min = 60.0 * (a1.fillers.count + a2.fillers.count) / (a1.length.speaking_s + a2.length.speaking_s)
    assert s.fillers_per_min == pytest.approx(per_min) == pytest.approx(figures.fillers_per_min)
    assert s.dead_air == 3
    assert s.star_complete == pytest.approx((0.5 + 1.0) / 2)


def test_sessions_filter_by_date_and_category(store):
    stamps = {}
    for day, cat in ((1, "behavioral"), (5, "general"), (9, "behavioral")):
        sid = store.start_session(bank=None, model="m", settings={})
        store.save_answer(sid, question={**QUESTION, "category": cat}, audio=tone(0.2), sample_rate=16000,
                          analysis=synthetic_analysis(random.Random(day)), feedback="")  # fmt: skip
        store.conn.execute("UPDATE sessions SET started_ts = ? WHERE id = ?", (1_700_000_000 + day * 86400, sid))
        stamps[day] = sid
    assert [s.id for s in store.sessions()] == [stamps[9], stamps[5], stamps[1]]
    assert [s.id for s in store.sessions(since=1_700_000_000 + 4 * 86400)] == [stamps[9], stamps[5]]
    assert [s.id for s in store.sessions(until=1_700_000_000 + 6 * 86400)] == [stamps[5], stamps[1]]
    assert [s.id for s in store.sessions(category="Behavioral")] == [stamps[9], stamps[1]]


def test_empty_finished_session_is_dropped(store):
    sid = store.start_session(bank=None, model="m", settings={})
    store.finish_session(sid, complete=False)
    assert store.totals() == (0, 0)


def test_resolve_session(store):
    a = store.start_session(bank=None, model="m", settings={})
    save(store, a)
    b = store.start_session(bank=None, model="m", settings={})
    save(store, b)
    assert store.resolve_session(a) == a
    assert store.resolve_session("last") == b
    assert store.resolve_session(b[:-1] + b[-1]) == b
    with pytest.raises(StoreError, match="matches 2 sessions"):
        store.resolve_session(a[:10])
    with pytest.raises(StoreError, match="no session 'nope'"):
        store.resolve_session("nope")


def test_newer_schema_is_refused_in_one_line(tmp_path):
    home = tmp_path / "h"
    Store.open(home).close()
    conn = sqlite3.connect(home / DB_NAME)
    conn.execute(f"PRAGMA user_version = {db.SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    for readonly in (False, True):
        with pytest.raises(StoreError, match="newer voice-coach") as err:
            Store.open(home, readonly=readonly)
        assert "\n" not in str(err.value)


def test_migrations_run_in_order_and_keep_data(tmp_path):
    conn = db.connect(tmp_path / "m.sqlite3")
    assert db.migrate(conn, ["CREATE TABLE t (a INTEGER)"]) == 0
    conn.execute("INSERT INTO t VALUES (41)")
    steps = ["CREATE TABLE t (a INTEGER)", "ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'x'; UPDATE t SET a = a + 1"]
    assert db.migrate(conn, steps) == 1
    assert db.schema_version(conn) == 2
    assert [tuple(r) for r in conn.execute("SELECT a, b FROM t")] == [(42, "x")]
    broken = [*steps, "ALTER TABLE t ADD COLUMN c TEXT; SELECT * FROM no_such_table"]
    with pytest.raises(StoreError, match="cannot upgrade"):
        db.migrate(conn, broken)
    assert db.schema_version(conn) == 2  # the failed step left nothing behind
    assert [r[1] for r in conn.execute("PRAGMA table_info(t)")] == ["a", "b"]


@pytest.mark.parametrize("damage", ["flip", "truncate", "delete"])
def test_damaged_audio_is_reported(store, damage):
    sid = store.start_session(bank=None, model="m", settings={})
    save(store, sid)
    (rec,) = store.answers(sid)
    data = rec.audio_path.read_bytes()
    if damage == "flip":
        rec.audio_path.write_bytes(data[:200] + bytes([data[200] ^ 0xFF]) + data[201:])
    elif damage == "truncate":
        rec.audio_path.write_bytes(data[: len(data) // 2])
    else:
        rec.audio_path.unlink()
    with pytest.raises(StoreError, match="damaged|missing") as err:
        store.read_audio(rec)
    assert "answer 1 of session" in str(err.value)


def test_forget_removes_rows_audio_and_the_words_from_disk(tmp_path):
    home = tmp_path / "h"
    marker = "zanzibarquokka"
    with Store.open(home) as s:
        keep = s.start_session(bank=None, model="m", settings={})
        save(s, keep)
        gone = s.start_session(bank=None, model="m", settings={})
        analysis = synthetic_analysis(random.Random(3))
        secret = tuple(Word(w, i * 0.3, i * 0.3 + 0.25) for i, w in enumerate(f"my secret word is {marker} ".split() * 50))
        analysis = replace(analysis, words=secret)
        assert marker in analysis.transcript
        s.save_answer(gone, question=QUESTION, audio=tone(1.0), sample_rate=16000, analysis=analysis, feedback=marker)
        assert delete_sessions(s, [gone]) == 1
        assert [x.id for x in s.sessions()] == [keep]
        assert not (s.audio_root / gone).exists() and (s.audio_root / keep / "001.flac").exists()
    raw = b"".join(p.read_bytes() for p in home.iterdir() if p.is_file())
    assert marker.encode() not in raw  # secure_delete + checkpoint: not just unlinked from the index
    with Store.open(home) as s:
        assert delete_all(s) == (1, 1)
        assert s.totals() == (0, 0) and not s.audio_root.exists()


def test_sweep_removes_only_old_unreferenced_files(store):
    sid = store.start_session(bank=None, model="m", settings={})
    save(store, sid)
    stray = store.audio_root / sid / "002.flac"
    stray.write_bytes(b"left by a crash")
    fresh = store.audio_root / sid / "003.flac.tmp"
    fresh.write_bytes(b"being written now")
    gone = store.audio_root / ".forget-1999-01-01-0000"  # forget died after deleting the rows (its marked folder)
    gone.mkdir()
    (gone / "001.flac").write_bytes(b"voice")
    old = 1_000_000_000
    for path in (stray, gone / "001.flac", gone):
        os.utime(path, (old, old))
    assert sweep_orphans(store) == 2
    assert not stray.exists() and fresh.exists() and (store.audio_root / sid / "001.flac").exists()
    assert not gone.exists()


def test_readonly_store_refuses_writes(tmp_path):
    Store.open(tmp_path / "h").close()
    with Store.open(tmp_path / "h", readonly=True) as s, pytest.raises(StoreError, match="read-only"):
        s.start_session(bank=None, model="m", settings={})


def test_full_database_rolls_back_and_removes_the_audio(store):
    sid = store.start_session(bank=None, model="m", settings={})
    save(store, sid)
    pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
    store.conn.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "disk full" (SQLITE_FULL)
    big = synthetic_analysis(random.Random(1), words=3000)
    with pytest.raises(StoreError, match="disk is full"):
        store.save_answer(sid, question=QUESTION, audio=tone(0.5), sample_rate=16000, analysis=big, feedback="")
    assert [r.number for r in store.answers(sid)] == [1]
    assert sorted(p.name for p in (store.audio_root / sid).iterdir()) == ["001.flac"]
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_interrupt_mid_save_leaves_the_store_usable(store, monkeypatch):
    sid = store.start_session(bank=None, model="m", settings={})
    save(store, sid)
    import voice_coach.store.store as store_module

    def interrupted(value):
        raise KeyboardInterrupt  # Ctrl-C while the rows are being written

    monkeypatch.setattr(store_module, "to_json", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save(store, sid, 2)
    monkeypatch.undo()
    assert not store.conn.in_transaction
    assert sorted(p.name for p in (store.audio_root / sid).iterdir()) == ["001.flac"]
    assert save(store, sid, 3) == 2
    store.finish_session(sid, complete=False)
    assert store.sessions()[0].answers == 2


def _stored(store: Store, sid: str, audio: np.ndarray) -> tuple:
    store.save_answer(sid, question=QUESTION, audio=audio, sample_rate=16000,
                      analysis=synthetic_analysis(random.Random(5)), feedback="")  # fmt: skip
    rec = store.answers(sid)[-1]
    return rec, rec.audio_path.read_bytes()


def test_int16_answer_is_stored_bit_exactly_across_blocks(store):
    sid = store.start_session(bank=None, model="m", settings={})
    pcm = np.rint(voice_like(2.5 * BLOCK_FRAMES / 16000, seed=11) * 32767).astype(np.int16)
    pcm[[0, 1, BLOCK_FRAMES - 1, BLOCK_FRAMES, len(pcm) - 1]] = [-32768, 32767, -32768, 32767, -1]  # full scale, edges
    rec, data = _stored(store, sid, pcm)
    back, rate = sf.read(io.BytesIO(data), dtype="int16")
    assert rate == 16000 and rec.audio_frames == len(pcm) == len(back)
    assert np.array_equal(back, pcm)
    assert hashlib.sha256(data).hexdigest() == rec.audio_sha256
    samples, _ = store.read_audio(rec)  # the review path: float32, x / 32768
    assert np.array_equal(samples, pcm.astype(np.float32) / 32768)
    stereo = np.stack([pcm, pcm[::-1]], axis=1)  # first channel kept, read through a strided view
    rec2, data2 = _stored(store, sid, stereo)
    assert np.array_equal(sf.read(io.BytesIO(data2), dtype="int16")[0], pcm)
    assert data2 == data and rec2.audio_sha256 == rec.audio_sha256


def test_float_answer_round_trips_and_matches_a_whole_array_encoding(store):
    sid = store.start_session(bank=None, model="m", settings={})
    signal = voice_like(2.5 * BLOCK_FRAMES / 16000, seed=12)
    signal[[3, BLOCK_FRAMES - 1, BLOCK_FRAMES]] = [1.7, -3.0, 1.2]  # out of range, on a block edge
    signal[[10, BLOCK_FRAMES + 1]] = [np.nan, np.inf]
    expected = np.nan_to_num(np.clip(signal.astype(np.float32), -1.0, 1.0))
    for audio in (signal.astype(np.float32), signal, np.stack([signal, np.zeros_like(signal)], axis=1)):
        rec, data = _stored(store, sid, audio)
        assert hashlib.sha256(data).hexdigest() == rec.audio_sha256 and rec.audio_frames == len(signal)
        pcm = sf.read(io.BytesIO(data), dtype="int16")[0]
        # libsndfile stores round(x * 32768) clipped to int16: within half a step, a whole one at +1.0
        assert np.max(np.abs(pcm / 32768 - expected)) <= 1 / 32768 < 1 / 32767
        assert np.max(np.abs(pcm / 32768 - expected)[np.abs(expected) < 0.999]) <= 0.5 / 32768
        assert (pcm[10], pcm[3], pcm[BLOCK_FRAMES - 1], pcm[BLOCK_FRAMES + 1]) == (0, 32767, -32768, 32767)
        whole = io.BytesIO()
        sf.write(whole, expected, 16000, format="FLAC", subtype="PCM_16")
        assert data == whole.getvalue()  # blocks change nothing in the file
        samples, _ = store.read_audio(rec)
        assert np.max(np.abs(samples - expected)) < 1.5 / 32768


@pytest.mark.parametrize("dtype", ["int16", "float32", "float64"])
def test_saving_audio_allocates_a_block_not_a_copy_of_the_answer(tmp_path, dtype):
    signal = voice_like(180.0, seed=13)
    audio = np.rint(signal * 32767).astype(np.int16) if dtype == "int16" else signal.astype(dtype)
    write_answer_audio(tmp_path, "warm.flac", audio[:16000], 16000)
    tracemalloc.start()
    try:
        written = write_answer_audio(tmp_path, "long.flac", audio, 16000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert written.frames == len(audio) and written.path.stat().st_size > 2_000_000
    assert hashlib.sha256(written.path.read_bytes()).hexdigest() == written.sha256
    assert peak < 1 << 20, (peak, audio.nbytes)  # the answer is 5.5-23 MB; whole-array encoding took ~4x that


@pytest.mark.parametrize("rate", [0, -8000, 0.5, 700_000])
def test_bad_sample_rate_is_one_line_and_writes_nothing(store, rate):
    sid = store.start_session(bank=None, model="m", settings={})
    with pytest.raises(StoreError, match=f"cannot save audio with a sample rate of {rate} Hz"):
        store.save_answer(sid, question=QUESTION, audio=tone(0.5).astype(np.float32), sample_rate=rate,
                          analysis=synthetic_analysis(random.Random(1)), feedback="")  # fmt: skip
    assert store.answers(sid) == [] and list(store.audio_root.rglob("*.flac*")) == []


@pytest.mark.parametrize("fail_after", [0, 3, -2, -1])
def test_full_disk_while_encoding_says_so_and_leaves_no_temporary_file(tmp_path, monkeypatch, fail_after):
    audio = np.rint(voice_like(12.0, seed=14) * 32767).astype(np.int16)
    real_write = os.write
    writes: list[int] = []
    monkeypatch.setattr(os, "write", lambda fd, data: writes.append(len(data)) or real_write(fd, data))
    write_answer_audio(tmp_path, "count.flac", audio, 16000)
    limit = fail_after % len(writes)  # -1: only the last write (at close) fails

    def full(fd: int, data: bytes) -> int:
        nonlocal limit
        if limit <= 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        limit -= 1
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(StoreError, match="disk is full") as err:
        write_answer_audio(tmp_path, "full.flac", audio, 16000)
    assert "\n" not in str(err.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["count.flac"]
