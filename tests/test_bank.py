"""The question bank: the shipped bank's content, one-line errors for broken files, session selection."""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

import pytest
from rich.console import Console

from voice_coach.interview.bank import KINDS, STAR_COMPONENTS, BankError, QuestionBank
from voice_coach.interview.bank_loader import DEFAULT_BANK_PATH, UNSPOKEN_CHARS, load_bank
from voice_coach.commands import questions as questions_command
from voice_coach.core.errors import VoiceCoachError

TEN_CATEGORIES = {
    "opening", "behavioral", "situational", "problem_solving", "communication",
    "teamwork", "tools", "adaptability", "philosophy", "closing",
}


@pytest.fixture(scope="module")
def bank() -> QuestionBank:
    return load_bank()


@pytest.fixture(scope="module")
def shipped_text() -> str:
    return DEFAULT_BANK_PATH.read_text(encoding="utf-8")


# ---------------------------------------------------------------- the shipped bank


def test_shipped_bank_has_sixty_questions_in_all_ten_categories(bank: QuestionBank) -> None:
    assert bank.path == DEFAULT_BANK_PATH
    assert bank.title and bank.role and bank.language == "en"
    assert len(bank) >= 60
    per_category = Counter(q.category for q in bank.questions)
    assert set(per_category) == TEN_CATEGORIES
    assert min(per_category.values()) >= 4, per_category
    assert bank.categories()[0] == "opening" and bank.categories()[-1] == "closing"


def test_ids_are_unique_slugs(bank: QuestionBank) -> None:
    ids = [q.id for q in bank.questions]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)


def test_every_star_question_has_four_spoken_probes(bank: QuestionBank) -> None:
    star = [q for q in bank.questions if q.star]
    assert len(star) >= 15
    for q in star:
        for part in STAR_COMPONENTS:
            probe = q.probe(part)
            assert probe and probe.endswith("?"), (q.id, part)
        assert q.probe("R") == q.probe("result")


def test_behavioral_questions_expect_star_and_longer_answers(bank: QuestionBank) -> None:
    for q in bank.questions:
        assert q.kind in KINDS
        assert 0 < q.target_min_s < q.target_max_s <= 180, q.id
        if q.kind == "behavioral":
            assert q.star and q.target_min_s >= 60 and q.target_max_s >= 120, q.id
        if q.kind == "general":
            assert q.target_max_s <= 90, q.id
    assert {q.kind for q in bank.questions} == set(KINDS)


def test_question_texts_are_plain_spoken_sentences(bank: QuestionBank) -> None:
    for q in bank.questions:
        assert not set(q.text) & set(UNSPOKEN_CHARS), q.id
        assert not re.search(r"\d", q.text), q.id  # numbers written as words read naturally
        assert q.text[-1] in ".?", q.id
        assert 4 <= len(q.text.split()) <= 40, q.id
        assert len(q.listen_for) >= 2 and all(p.strip() for p in q.listen_for), q.id


def test_closing_includes_questions_for_the_interviewer(bank: QuestionBank) -> None:
    closing = bank.in_category("closing")
    assert any("questions do you have" in q.text or "questions for" in q.text for q in closing)


def test_question_line_points_at_its_id(bank: QuestionBank, shipped_text: str) -> None:
    lines = shipped_text.splitlines()
    for q in bank.questions:
        assert lines[q.line - 1].strip() == f'id = "{q.id}"'


# ---------------------------------------------------------------- broken banks


def _broken(tmp_path: Path, text: str, old: str, new: str, name: str = "broken.toml") -> tuple[Path, int]:
    """Write the shipped bank with one change; return the file and the line the change is on."""
    assert old in text
    at = text.index(old)  # the text before the change is untouched, so its line count holds
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path, text[:at].count("\n") + 1


def _error(path: Path) -> str:
    with pytest.raises(BankError) as info:
        load_bank(path)
    message = str(info.value)
    assert isinstance(info.value, VoiceCoachError)
    assert "\n" not in message and str(path) in message
    return message


def _line(message: str) -> int:
    match = re.search(r", line (\d+):", message)
    assert match, message
    return int(match.group(1))


def test_syntax_error_names_the_line(tmp_path: Path, shipped_text: str) -> None:
    path, line = _broken(tmp_path, shipped_text, 'id = "team-role"', 'id = "team-role')
    message = _error(path)
    assert _line(message) == line
    assert "TOML syntax error" in message and "not closed" in message


def test_syntax_error_missing_equals(tmp_path: Path, shipped_text: str) -> None:
    path, line = _broken(tmp_path, shipped_text, 'kind = "situational"\n', 'kind "situational"\n')
    message = _error(path)
    assert _line(message) == line and "column" in message


def test_missing_field_names_the_question_id_line(tmp_path: Path, shipped_text: str) -> None:
    text_line = 'text = "What is it about customer service work that appeals to you?"\n'
    path, _ = _broken(tmp_path, shipped_text, text_line, "")
    changed = path.read_text().splitlines()
    message = _error(path)
    assert changed[_line(message) - 1] == 'id = "why-customer-service"'
    assert "'why-customer-service' is missing 'text'" in message


def test_duplicate_id_names_the_second_and_first_lines(tmp_path: Path, shipped_text: str) -> None:
    first = shipped_text[: shipped_text.index('id = "extra-mile"')].count("\n") + 1
    path, line = _broken(tmp_path, shipped_text, 'id = "hardest-customer"', 'id = "extra-mile"')
    message = _error(path)
    assert _line(message) == line and line > first
    assert f"duplicate question id 'extra-mile' (first used on line {first})" in message


@pytest.mark.parametrize(
    ("old", "new", "words", "faulty"),
    [
        ('id = "start-date"\ncategory = "closing"\nkind = "general"\ntarget_s = [10, 30]',
         'id = "start-date"\ncategory = "closing"\nkind = "general"\ntarget_s = "ten seconds"', "two numbers",
         'target_s = "ten seconds"'),
        ("target_s = [10, 30]", "target_s = [30, 10]", "min <= max", "target_s = [30, 10]"),
        ('category = "tools"', 'category = "toolz"', "unknown category 'toolz'", 'category = "toolz"'),
        ('kind = "situational"', 'kind = "hypothetical"', "unknown kind 'hypothetical'", 'kind = "hypothetical"'),
        ('listen_for = [\n  "a clear and honest answer"', 'listen-for = [\n  "a clear and honest answer"',
         "did you mean listen_for", "listen-for = ["),
        ('id = "sum-up-fit"', 'id = "Sum Up"', "slug", 'id = "Sum Up"'),
        ('language = "en"', 'language = "English please"', "language must be a tag", 'language = "English please"'),
        ("from the very first sentence", "from the first sentence / at 100%", "% /", "text = "),
        ('[[question]]\nid = "extra-mile"', '[[question]]\nid = "extra-mile"\nstar = "yes"', "true or false", 'star = "yes"'),
        ("[defaults.category.closing]\ntarget_s = [15, 60]", "[defaults.category.closing]\ntarget_s = [15]",
         "[defaults.category.closing]: target_s", "target_s = [15]"),
        ("[defaults.kind.situational]", "[defaults.kind.hypothetical]", "unknown kind", "[defaults.kind.hypothetical]"),
    ],
)
def test_schema_errors_name_the_offending_line(
    tmp_path: Path, shipped_text: str, old: str, new: str, words: str, faulty: str
) -> None:
    path, line = _broken(tmp_path, shipped_text, old, new)
    changed = path.read_text().splitlines()
    message = _error(path)
    assert words in message
    reported = _line(message)
    assert changed[reported - 1].startswith(faulty), (changed[reported - 1], message)
    assert line <= reported <= line + len(new.splitlines())


def test_star_question_without_a_probe_is_rejected(tmp_path: Path, shipped_text: str) -> None:
    path, _ = _broken(tmp_path, shipped_text, 'result = "And what was the outcome in the end?"\n', "")
    message = _error(path)
    assert "expects a STAR answer but has no probe for result" in message
    assert re.fullmatch(r'id = "[a-z-]+"', path.read_text().splitlines()[_line(message) - 1])


def test_unreadable_files_give_one_line(tmp_path: Path) -> None:
    assert "does not exist" in _error(tmp_path / "missing.toml")
    assert "is a folder" in _error(tmp_path)
    (tmp_path / "latin1.toml").write_bytes(b'[bank]\ntitle = "caf\xe9"\n')
    message = _error(tmp_path / "latin1.toml")
    assert _line(message) == 2 and "UTF-8" in message
    (tmp_path / "empty.toml").write_text("")
    assert "missing [bank]" in _error(tmp_path / "empty.toml")


def test_bank_file_type_and_size_are_checked_before_reading(tmp_path: Path) -> None:
    """/dev/zero was read until memory ran out (6 GB), a FIFO waited for a writer for ever, and
    neither is "empty (0 bytes)"."""
    import os
    import resource
    import subprocess
    import sys
    import threading

    # in a child with 2 GB of address space and a time limit, so the old behaviour fails instead of filling memory
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))

    proc = subprocess.run([sys.executable, "-m", "voice_coach", "questions", "--bank", "/dev/zero"], capture_output=True,
                          text=True, timeout=60, preexec_fn=limit, check=False)
    assert proc.returncode == 2 and proc.stdout == "", (proc.returncode, proc.stderr[-500:])
    assert proc.stderr.strip().splitlines() == [
        "voice-coach: bank file /dev/zero is a device, not a file; give the path of a .toml file"]
    assert "is a device" in _error(Path("/dev/null"))
    fifo = tmp_path / "bank.toml"
    os.mkfifo(fifo)
    messages: list[str] = []
    reader = threading.Thread(target=lambda: messages.append(_error(fifo)), daemon=True)
    reader.start()
    reader.join(5.0)
    if reader.is_alive():  # let the stuck open() go before failing
        with open(fifo, "w"):
            pass
        pytest.fail("loading a FIFO as a bank waits for a writer")
    assert messages == [f"bank file {fifo} is a FIFO (named pipe), not a file; give the path of a .toml file"]
    fifo.unlink()
    huge = tmp_path / "huge.toml"
    with open(huge, "wb") as fh:
        fh.truncate(6 * 1024**3)  # sparse: no disk used
    assert _error(huge) == (f"bank file {huge} is 6 GB: more than a question bank can be "
                            "(at most 4 MB; the shipped bank of 68 questions is 30 kB)")
    big = tmp_path / "big.toml"
    big.write_bytes(b"# " + b"x" * (5 * 1024**2) + b"\n")
    assert "is 5 MB: more than a question bank can be" in _error(big)


def test_deeply_nested_values_give_one_line(tmp_path: Path, shipped_text: str) -> None:
    path = tmp_path / "deep.toml"
    path.write_text(shipped_text + "\nextra = " + "[" * 500 + "]" * 500 + "\n")
    assert _error(path) == (f"bank file {path}: lists or tables are nested too deeply to read "
                            "(a question bank needs three or four levels at most)")


def _many_questions(shipped_text: str, n: int) -> str:
    head = shipped_text.split("\n[[question]]\n")[0]
    one = ('\n[[question]]\nid = "q{i}"\ncategory = "teamwork"\nkind = "general"\n'
           'text = "Question number {i}, how would you answer it?"\nlisten_for = ["a point"]\n'
           '[question.probes]\nresult = "And how did it end?"\n')
    return head + "".join(one.format(i=i) for i in range(n))


def test_loading_is_linear_in_the_number_of_questions(tmp_path: Path, shipped_text: str) -> None:
    """Finding each question's lines scanned every header: 4,000 questions took 4.6 s, 60,000 over 14 minutes."""
    import time

    from voice_coach.interview.bank_loader import _Builder, tomllib

    def cpu_seconds(n: int) -> float:
        text = _many_questions(shipped_text, n)
        data = tomllib.loads(text)
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            bank = _Builder(tmp_path / "many.toml", text).bank(data)
            best = min(best, time.process_time() - start)
        assert len(bank) == n and bank.questions[-1].line == text.splitlines().index(f'id = "q{n - 1}"') + 1
        return best

    small, large = cpu_seconds(1000), cpu_seconds(4000)
    assert large < 8 * small + 0.05, (small, large)  # linear: 4 times the questions, about 4 times the time
    assert large < 2.0, large
    path = tmp_path / "many.toml"
    path.write_text(_many_questions(shipped_text, 4000))
    assert len(load_bank(path)) == 4000


# ---------------------------------------------------------------- a user's own bank

SPANISH_BANK = """\
question = [
  { id = "presentese", category = "opening", kind = "general", text = "¿Puede hablarme de usted?", listen_for = ["experiencia"] },
  { id = "cliente-dificil", category = "conducta", kind = "behavioral", text = "Cuénteme de un cliente difícil.", listen_for = ["calma"] },
  { id = "otro-caso", category = "conducta", kind = "behavioral", target_s = [40, 80], text = "Cuénteme otro caso.", listen_for = ["detalle"] },
  { id = "preguntas", category = "closing", kind = "general", text = "¿Tiene preguntas para nosotros?", listen_for = ["interés"] },
]

[bank]
title = "Entrevista telefónica"
role = "Agente de atención al cliente"
language = "es-MX"

[categories]
opening = "Apertura"
conducta = "Conducta"
closing = "Cierre"

[defaults]
kind.behavioral.probes.situation = "¿Dónde trabajaba y qué pasaba?"
kind.behavioral.probes.task = "¿Cuál era su responsabilidad?"
kind.behavioral.probes.action = "¿Qué hizo usted exactamente?"
kind.behavioral.probes.result = "¿Y cuál fue el resultado?"
"""


def test_user_bank_in_another_language_loads(tmp_path: Path) -> None:
    path = tmp_path / "es.toml"
    path.write_text(SPANISH_BANK, encoding="utf-8")
    bank = load_bank(path)
    assert (bank.language, len(bank), bank.categories()) == ("es-MX", 4, ["opening", "conducta", "closing"])
    q = bank.get("cliente-dificil")
    assert q.star and q.target_s == (60.0, 120.0) and q.probe("result") == "¿Y cuál fue el resultado?"
    assert bank.get("otro-caso").target_s == (40.0, 80.0)
    assert bank.label("conducta") == "Conducta" and bank.resolve_category("cierre") == "closing"
    assert [x.id for x in bank.select(count=4, seed=3)][::3] == ["presentese", "preguntas"]


def test_user_bank_inline_question_error_finds_the_id_line(tmp_path: Path) -> None:
    path = tmp_path / "es.toml"
    path.write_text(SPANISH_BANK.replace('category = "conducta", kind = "behavioral", target_s', 'category = "conduct", kind = "behavioral", target_s'))
    message = _error(path)
    assert "unknown category 'conduct'" in message and _line(message) == 4
    path.write_text(SPANISH_BANK.replace('probes.task = "¿Cuál era su responsabilidad?"', "probes.task = 3"))
    message = _error(path)
    assert "probe 'task'" in message and _line(message) == SPANISH_BANK.splitlines().index(
        'kind.behavioral.probes.task = "¿Cuál era su responsabilidad?"') + 1


# ---------------------------------------------------------------- selection


def test_default_selection_opens_and_closes_with_a_mix(bank: QuestionBank) -> None:
    for seed in range(20):
        picked = bank.select(seed=seed)
        assert len(picked) == 5 and len({q.id for q in picked}) == 5
        assert picked[0].category == "opening" and picked[-1].category == "closing"
        middle = [q.category for q in picked[1:-1]]
        assert len(set(middle)) == 3 and not {"opening", "closing"} & set(middle)
        assert any(q.star for q in picked), seed


def test_selection_is_seeded_and_varies(bank: QuestionBank) -> None:
    assert bank.select(seed=7) == bank.select(seed=7)
    assert len({tuple(q.id for q in bank.select(seed=s)) for s in range(10)}) >= 8


def test_small_counts(bank: QuestionBank) -> None:
    one = bank.select(count=1, seed=1)
    assert len(one) == 1 and one[0].category not in ("opening", "closing") and one[0].star
    two = bank.select(count=2, seed=1)
    assert two[0].category == "opening" and two[1].category not in ("opening", "closing")
    with pytest.raises(BankError):
        bank.select(count=0)


def test_large_count_cycles_categories_without_repeats(bank: QuestionBank) -> None:
    ten = bank.select(count=10, seed=2)
    assert [q.category for q in ten][1:-1] and len({q.category for q in ten}) == 10
    everything = bank.select(count=500, seed=2)
    assert len(everything) == len(bank) and len({q.id for q in everything}) == len(bank)


def test_category_filter(bank: QuestionBank) -> None:
    picked = bank.select(count=4, categories=["teamwork", "Problem solving"], seed=5)
    assert len(picked) == 4 and {q.category for q in picked} == {"teamwork", "problem_solving"}
    only_opening = bank.select(count=3, categories=["opening"], seed=5)
    assert len(only_opening) == 3 and {q.category for q in only_opening} == {"opening"}
    with pytest.raises(BankError, match="did you mean tools"):
        bank.select(categories=["toolz"])


def test_ids_pick_exactly_those_and_unknown_ids_suggest(bank: QuestionBank) -> None:
    picked = bank.select(ids=["own-mistake", "questions-for-us"], count=5)
    assert [q.id for q in picked] == ["own-mistake", "questions-for-us"]
    with pytest.raises(BankError) as info:
        bank.select(ids=["own-mistakes"])
    assert "no question 'own-mistakes'" in str(info.value) and "own-mistake" in str(info.value)
    with pytest.raises(BankError, match="hardest-customer"):
        bank.get("customer")


# ---------------------------------------------------------------- the questions command


def _run_command(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    parser = argparse.ArgumentParser()
    questions_command.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    assert args.func(args) == 0
    return capsys.readouterr().out


def test_questions_table_lists_the_bank(bank: QuestionBank) -> None:
    console = Console(width=200, color_system=None, record=True)
    console.print(questions_command.render_table(bank, ["teamwork"], details=True))
    out = console.export_text()
    teamwork = bank.in_category("teamwork")
    assert all(q.id in out for q in teamwork)
    assert "opening" not in out and "background-overview" not in out
    assert "listens for:" in out and "if no action:" in out


@pytest.mark.parametrize(("width", "most_lines", "total_lines"), [(80, 3, 240), (100, 2, 175)])
def test_questions_view_gives_the_question_the_width(bank: QuestionBank, width: int, most_lines: int,
                                                     total_lines: int) -> None:
    """At 100 columns the question text was squeezed to about 18 characters: 68 questions took 425 lines."""
    console = Console(width=width, color_system=None, record=True)
    console.print(questions_command.render_table(bank))
    out = console.export_text()
    lines = out.splitlines()
    assert all(len(line) <= width for line in lines)
    assert len(lines) <= total_lines, len(lines)
    ids = {q.id: q for q in bank.questions}
    rows: dict[str, list[str]] = {}  # each question's lines: from its id to the next id, heading or blank line
    current, offset = None, lines[0].index("question")  # where the question column starts
    for line in lines:
        left, right = line[:offset].strip(), line[offset:].strip()
        if left in ids:
            current = left
            rows[current] = []
        elif not right or (left and not left.split()[0] in {q.kind for q in bank.questions}):
            current = None
        if current:
            rows[current].append(right)
    assert set(rows) == set(ids)
    counts = sorted(len(r) for r in rows.values())
    assert counts[int(len(counts) * 0.9)] <= most_lines and counts[-1] <= most_lines + 1, counts
    for qid, row in rows.items():  # wrapped at words: the lines put together give the text back
        assert " ".join(row) == ids[qid].text, (qid, row)
    assert "behavioral STAR 60-120 s" in out and "Communication and empathy" in out


def test_questions_command_on_a_user_bank(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "es.toml"
    path.write_text(SPANISH_BANK, encoding="utf-8")
    out = " ".join(_run_command(["questions", "--bank", str(path)], capsys).split())
    assert "4 questions in 3 categories" in out and "cliente-dificil" in out
    with pytest.raises(BankError, match="no category"):
        _run_command(["questions", "--bank", str(path), "--category", "teamwork"], capsys)
