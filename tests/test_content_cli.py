"""`analyze --question` and `import` with a question: the question decides what is judged (issue 14)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from voice_coach.cli import main


def test_unknown_question_fails_before_any_file_is_read(tmp_path, capsys) -> None:
    code = main(["analyze", str(tmp_path / "missing.wav"), "--question", "hardest-custmer"])
    err = capsys.readouterr().err
    assert code != 0 and "no question 'hardest-custmer'" in err and "hardest-customer" in err


def test_broken_bank_is_one_line(tmp_path, capsys) -> None:
    bank = tmp_path / "b.toml"
    bank.write_text("[bank]\ntitle = 1\n")
    code = main(["analyze", str(tmp_path / "x.wav"), "--bank", str(bank), "--question", "a"])
    assert code != 0 and f"bank file {bank}" in capsys.readouterr().err


@pytest.mark.slow
def test_analyze_with_a_situational_question_end_to_end(tmp_path) -> None:
    from voice_coach.testing.synth import build_answer, write_wav

    script = ["First I would check I am speaking to the account holder, with the security questions.",
              "Then I would look at the account to confirm there really are two payments.",
              "I guess I would refund the second one myself.",
              "I would tell them the money comes back in three to five working days."]
    path = tmp_path / "double-charge.wav"
    write_wav(path, build_answer(script, voice="en-us", rate_wpm=150, seed=3))
    run = subprocess.run([sys.executable, "-m", "voice_coach", "analyze", "--json", str(path), "--question", "double-charge"],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    d = json.loads(run.stdout)
    assert d["question"]["id"] == "double-charge" and d["question"]["kind"] == "situational"
    assert d["question"]["star_expected"] is False and d["star"]["coaching"] == []
    points = d["content"]["talking_points"]
    assert [p["point"] for p in points][:2] == ["verifying the caller's identity first", "checking the account to confirm the error"]
    assert points[0]["covered"] and points[0]["start"] is not None and points[0]["start"] < 8
    assert isinstance(d["content"]["coverage"], float)
    assert any(h["kind"] == "i guess" for h in d["content"]["hedges"]["items"])
    # without a question: STAR as for a behavioral answer, said on stderr, no talking points
    run = subprocess.run([sys.executable, "-m", "voice_coach", "analyze", "--json", str(path)],
                         capture_output=True, text=True, timeout=300)
    d = json.loads(run.stdout)
    assert "STAR is judged as for a behavioral answer" in run.stderr
    assert d["question"] == {"id": None, "kind": None, "star_expected": True, "text": None}
    assert d["content"]["talking_points"] == [] and d["content"]["coverage"] is None


def test_questions_id_shows_what_is_judged_and_the_talking_points(capsys) -> None:
    from voice_coach.interview.bank_loader import load_bank

    assert main(["questions", "double-charge", "why-customer-service"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    bank = load_bank()
    for qid in ("double-charge", "why-customer-service"):
        for i, point in enumerate(bank.get(qid).listen_for, 1):
            assert f"{i}. {point}" in out
    assert "Judged on: the steps you would take" in out and "Judged on: neither STAR nor steps" in out
    assert "if no result" not in out  # probes are for stories only
    assert main(["questions", "hardest-customer"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Judged on: STAR" in out and "if no result: " in out


def test_questions_unknown_id_is_one_line(capsys) -> None:
    assert main(["questions", "double-charg"]) != 0
    err = capsys.readouterr().err
    assert "no question 'double-charg'" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
