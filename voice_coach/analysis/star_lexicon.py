"""Cue scores that say how much a spoken sentence sounds like Situation, Task, Action or Result.

Why cues and not a trained model: the product runs offline on any laptop and has no labelled
corpus of real answers, so each sentence is scored by linguistic evidence that follows from
what the STAR parts *are*:
- Situation sets a scene: where and when, a third party with a problem, stative or
  progressive past ("I was working as", "a customer called", "she was upset").
- Task states an obligation or aim: "my job was to", "I needed to", "the goal was".
- Action is the speaker doing things: first-person subject + past-tense action verb.
- Result reports consequences: outcome connectives ("in the end"), satisfaction, change
  verbs with numbers, lessons learned.
- No STAR role: preambles, wrap-ups, and general opinions in the present tense or
  hypotheticals (no narrated past at all).
The scores are additive log-odds-like numbers; `star_decode` turns them into labels jointly.
"""

from __future__ import annotations

import re

from voice_coach.analysis.star_cues import _NUMBER_WORDS, CUES, GENERIC_CUES, HABIT_CUES, Cue  # noqa: F401 (Cue re-exported)

STATES = ("situation", "task", "action", "result", None)

IRREGULAR_PAST = frozenset(
    """went took made told gave sent got found wrote set put brought spoke kept stayed ran left
    came saw said thought knew felt had was were did began drove bought paid sat stood held heard
    met led lost sold taught caught built chose fought forgot hung hid lay meant read rode rang
    rose shook shut slept spent split stuck swept swung threw understood woke won wore became
    grabbed stopped dropped planned""".split()
)
"""Past forms that do not end in -ed (plus a few doubled-consonant -ed forms, harmless)."""

NOT_PAST_ED = frozenset(
    "need feed speed bed red indeed seed hundred bored tired interested worried excited scared "
    "embarrassed supposed used based shed sled breed weed greed bleed proceed exceed succeed "
    "naked wicked sacred".split()
)
"""-ed words that are adjectives or not past tense; they do not count as narrated past."""

STATIVE = frozenset(
    "was were had felt knew thought wanted needed seemed wished hoped liked loved hated "
    "realized noticed believed meant remembered guessed assumed figured".split()
)
"""Past verbs of being, having and mental state: they set a scene rather than act."""

IN_STORY_DISCOUNT = 0.6
"""How much of the no-past-tense evidence is dropped when every other sentence narrates."""

_I_FORMS = frozenset({"i", "i'm", "i've", "i'd", "i'll"})
_WE_FORMS = frozenset({"we", "we're", "we've", "we'd", "we'll"})


def normalize(text: str) -> str:
    """Lower-case words separated by single spaces, apostrophes kept, other punctuation dropped."""
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"(\d),(\d)", r"\1\2", text)
    text = re.sub(r"[^a-z0-9%' ]+", " ", text)
    return " ".join(tok.strip("'") for tok in text.split() if tok.strip("'"))


def tokens(text: str) -> list[str]:
    return normalize(text).split()


def is_past(token: str) -> bool:
    if token in IRREGULAR_PAST:
        return True
    return len(token) > 4 and token.endswith("ed") and token not in NOT_PAST_ED


_PAST_AUX = frozenset("had was were did didn't couldn't wasn't weren't hadn't wouldn't".split())
"""Short past forms that mark narration even when the main verb is not past."""

_BE_GET = frozenset(
    "am is are be been being get gets getting i'm you're it's we're they're he's she's feel feels "
    "seem seems look looks".split()
)
_INTENSIFIERS = frozenset("very really pretty so too more most quite fairly".split())


def _adjective_slot(toks: list[str], i: int) -> bool:
    """After a present be/get form (maybe with an intensifier), an -ed word is an adjective:
    "I'm organized", "I get really flustered" are not narrated past."""
    prev = toks[i - 1] if i > 0 else ""
    if prev in _INTENSIFIERS:
        prev = toks[i - 2] if i > 1 else ""
    return prev in _BE_GET


def _self_did(toks: list[str]) -> bool:
    """Whether "I" or "we" is followed, within three words, by a past verb of doing
    ("I quickly called", "we then sent"), not of being or thinking ("I was tired")."""
    for i, tok in enumerate(toks):
        if tok in ("i", "we"):
            for j in range(i + 1, min(i + 4, len(toks))):
                if toks[j] in ("i", "we"):
                    break
                if is_past(toks[j]) and toks[j] not in STATIVE and not _adjective_slot(toks, j):
                    return True
    return False


def past_tokens(toks: list[str]) -> list[str]:
    """The past-tense verbs among `toks`, leaving out participles in present-tense frames
    ("I'm organized", "mistakes get caught")."""
    return [t for i, t in enumerate(toks) if is_past(t) and not _adjective_slot(toks, i)]


_IRREALIS = re.compile(
    r"\bif (?:\w+ ){1,3}?(?:were|was|had)\b|\bused to\b"
    r"|\b(?:i've|we've|you've|they've|i have|we have|has) (?:(?:really|just|already|never|always|also|actually) )?\w+ed\b"
)
"""Past forms that do not tell what happened: conditionals ("if they were okay"), habits, and the
present perfect of a career summary ("I've learned a lot")."""
_MODAL_FRAME = re.compile(
    r"\b(?:i|we|you|they|he|she|people|customers) (?:would|will|'ll|can|might|usually|always|often|tend to) (?!have\b)"
    r"|\b(?:i'd|we'd|you'd|they'd|he'd|she'd|i'll|we'll|they'll) (?!(?:have|had|been|already)\b)"
)
_PAST_TIME = re.compile(
    r"\b(?:ago|yesterday)\b|\blast (?:year|month|week|summer|spring|winter|fall|autumn|night|time|job|role|"
    r"position|shift|christmas|weekend|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
    r"|^ (?:(?:so|and|but|um|uh|well|okay) )*once\b|\bonce (?:a|an|when|while)\b"
)
"""Time phrases that place a sentence in the past even when ASR garbled its verb."""


def narrates(text: str, present_story: bool = False) -> bool:
    """Whether a sentence tells something that happened: a past-tense verb outside conditional
    and habitual frames, a past time phrase, or any sentence of a story told in the present."""
    if present_story:
        return True
    norm = " " + normalize(text) + " "
    if _PAST_TIME.search(norm):
        return True
    toks = _IRREALIS.sub(" ", norm).split()
    past = past_tokens(toks)
    if _MODAL_FRAME.search(norm):
        # "I would take on extra shifts, and then I was tired": inside a habit or a hypothetical,
        # forms of be/have/feel are part of the frame; only a past verb of doing tells an event.
        return any(t not in STATIVE and t not in _PAST_AUX for t in past)
    return bool(past) or any(t in _PAST_AUX for t in toks)


def pronoun_counts(text: str) -> tuple[int, int]:
    """(first-person singular subjects, first-person plural subjects) in `text`."""
    toks = tokens(text)
    return sum(t in _I_FORMS for t in toks), sum(t in _WE_FORMS for t in toks)


# --- Plans and habits: "what would you do if ...", "how do you usually ..." ----------------------
# The same scheme as a story, in conditional or habitual frames: restating the scenario is the
# Situation, the aim is the Task, the steps the speaker would take (or takes) are the Action, the
# expected outcome is the Result.

_NOT_STEP = frozenset(
    """think believe feel guess hope wish like love enjoy prefer know mean am was were be been have has
    had need needs want wanted say said rather bet imagine suppose expect assume find get care""".split()
)
"""Verbs after a first-person subject that give an opinion, a state or an aim, not a step."""
_FIRST = r"(?:i|we|i'd|we'd|i'll|we'll)"
_MODAL = r"(?:would|will|could|should|might|can|wouldn't|won't|can't)"
_HABIT = r"(?:usually|always|normally|typically|generally|often|sometimes|never|tend to|try to|make sure to|start by|like to|first|then|also|just|probably|definitely|really|still|immediately|calmly|politely|quickly|gently|kindly|right away|each time|every time)"
_STEP = re.compile(
    r"\b(" + _FIRST + r")((?: " + _MODAL + r")?)((?: " + _HABIT + r")*) (?!(?:not|don't|do not)\b)([a-z']+)"
)
_PLAN_TASK = re.compile(
    r"\b(?:my|our|the) (?:main |first |real |whole |only |top |biggest )?(?:goal|aim|priority|job|focus|concern|objective|task|idea|point|key|thing|important thing|most important thing|main thing)"
    r"(?: at that point| there| then| in that case| here)? (?:would be|will be|is|would have to be) (?:to|that|making|getting|keeping|finding|not)\b"
    r"|\b(?:i|we)(?:'d| would| will|'ll)? (?:really |also |still |first )?(?:need|needs|have|want) to (?:make sure|find|get|keep|protect|stick|fix|figure|understand|be|stay|learn|solve|own|calm)\b"
    r"|\bwhat (?:i|we)(?:'d| would)? (?:need|have|want) to do\b"
    r"|\b(?:the|my) (?:important|key|main|first|most important) thing (?:would be|is) (?:to|not)\b"
    r"|\b(?:i|we)(?:'d| would) (?:need|have|want) to\b"
    r"|\b(?:for me )?the key (?:is|would be) to\b"
)
"""An aim or what must be achieved, in a plan: "my goal would be to", "I'd need to", "the main thing is to"."""
_PLAN_RESULT = re.compile(
    r"\b(?:that way|hopefully|ideally|either way|at least|in the end|by the end|most of the time|nine times out of ten|a lot of the time|more often than not)\b"
    r"|^ (?:(?:so|and|then|um|uh) )*(?:usually|normally|after (?:a|one|two|a few) (?:\w+ )?(?:days?|weeks?|calls?)|so (?:every|each|nobody|everyone|the|they|both|their|that)|so they)\b"
    r"|\b(?:they|they'd|they'll|the customer|the caller|customers|callers|both of them|everyone|nobody|the person|people)(?:'d| would| will|'ll| should| usually| probably| normally| then| still| at least)* "
    r"(?:(?:probably|usually|hopefully|still|then|also|actually) )*(?:feel|feels|leave|leaves|know|knows|hang up|hangs up|stay|stays|trust|trusts|see|sees|understand|understands|make it|makes it|get|gets|buy|come back|calm|calms|end up|ends up|won't|don't need|doesn't need|don't have|doesn't have|thank|accept|accepts|can do|be able|appreciate)\b"
    r"|\b(?:that|which|this|it) (?:usually |normally |often |also |really )?(?:keeps|saves|helps|means|catches|gets|works|solves|fixes|calms|stops|shows|makes)\b"
    r"|\b(?:isn't|doesn't|don't|won't) (?:grow|get|have to|need to|turn|feel)\b"
    r"|\bbe able to\b"
)
"""The expected outcome of a plan: "that way", "hopefully they'd feel heard", "usually that solves it"."""
_PLAN_SCENE = re.compile(
    r"^ (?:(?:so|and|um|uh|okay|well|now) )*(?:if|say|let's say|suppose|imagine|maybe|sometimes|on a bad day|most days|when (?:a|the|someone|somebody|there's))\b"
)
"""A sentence opening that restates the scenario: "so if a customer called ...", "say the order ..."."""
_SPECIFIC_OTHER = re.compile(
    r"\b(?:the customer|a customer|the caller|a caller|someone|somebody|they|they're|their|the person|the order|the package|the parcel|the product|the booking|the flight|the system|the queue|the wedding|the repair)\b"
)
_OPINION_BEFORE = re.compile(r"\b(?:think|believe|guess|hope|suppose|bet|feel|say) (?:that )?$")
"""A clause after "I think" is an opinion about oneself ("I think I'd do well"), not a step."""
_SELF_RATING = re.compile(r"^ (?:\w+ )?(?:best|well|better|fine|great|hard)\b")
"""A verb rated by how well it goes ("I work best when ...") describes the speaker, it is no step."""
_USED_TO = re.compile(r"\bused to\b")
_CONDITIONAL = re.compile(r"\b(?:if|unless|whenever|when|once|until|as soon as|in case)\b")


def _steps(norm: str) -> list[tuple[bool, str]]:
    """(framed, verb) for each first-person clause whose verb is a step, not an opinion or state.
    `framed` says a modal or a habit word marks it as a plan or a habit ("I would check", "I usually ask")."""
    out = []
    for m in _STEP.finditer(norm):
        subject, modal, habit, verb = m.groups()
        if verb in _NOT_STEP or verb.endswith(("'m", "'ve")) or verb in ("i", "we", "to", "it", "that", "so", "a", "the"):
            continue
        if verb in ("not", "don't", "didn't") or is_past(verb) and not modal:
            continue
        sequenced = any(w in habit for w in ("first", "then"))
        if not sequenced and (_OPINION_BEFORE.search(norm[: m.start()]) or _SELF_RATING.search(norm[m.end():])):
            continue
        framed = bool(modal) or subject.endswith(("'d", "'ll")) or any(
            h in habit for h in ("usually", "always", "normally", "typically", "generally", "often", "tend", "try", "make sure", "start by", "every", "each")
        )
        out.append((framed, verb))
    return out


_PLAN_OUTCOME = re.compile(
    r"\b(?:that way|hopefully|ideally|either way|most of the time|nine times out of ten|more often than not)\b"
    r"|^ (?:(?:so|and|then|um|uh) )*usually (?:that|this|it|they|by)\b"
)
"""The connectives that open an expected outcome: they frame a plan as surely as its steps do."""
HABIT_STEP_MARK = 0.6
"""A first-person step in the plain present ("I sort the rest by age") marks a habit less surely
than one framed by a modal or a habit word: opinions about oneself look alike ("I stay calm")."""
_HABIT_WORDS = re.compile(r"\b(?:usually|always|normally|typically|generally|often|sometimes|whenever|every time|most days|most of the time|tend to)\b")


def plan_marks(text: str) -> float:
    """How surely a sentence is framed as a plan or habit: 1 for a step with a modal or habit word or
    a plan aim, HABIT_STEP_MARK for a first-person step in the plain present, a restated scenario
    ("say the order ...") or an expected outcome ("that way ..."), 0 otherwise. An answer is a plan when enough of its sentences are (see `star_decode.plan_answer`)."""
    norm = " " + normalize(text) + " "
    steps = _steps(norm)
    if any(framed for framed, _ in steps) or _PLAN_TASK.search(norm):
        return 1.0
    if steps or _PLAN_SCENE.search(norm) or _PLAN_OUTCOME.search(norm):
        return HABIT_STEP_MARK
    return 0.0


def habitual(text: str) -> bool:
    """A habit word ("usually", "whenever", "most days"): the present tense tells a habit, not a story."""
    return bool(_HABIT_WORDS.search(" " + normalize(text) + " "))


def plan_scores(text: str) -> dict[str | None, float]:
    """Cue scores for a sentence of a plan or habit answer (added to the story cues)."""
    norm = " " + normalize(text) + " "
    toks = norm.split()
    scores: dict[str | None, float] = {label: 0.0 for label in STATES}
    steps = _steps(norm)
    framed = [v for f, v in steps if f]
    aim = bool(_PLAN_TASK.search(norm))
    outcome = bool(_PLAN_RESULT.search(norm))
    scene = bool(_PLAN_SCENE.search(norm))
    first = any(t in _I_FORMS or t in _WE_FORMS or t in ("i'd", "we'd") for t in toks)
    if framed:
        scores["action"] += 2.5
    elif steps:
        scores["action"] += 1.8
    if aim:
        scores["task"] += 3.5
        scores["action"] -= 1.5
    if outcome:
        scores["result"] += 2.5
    elif framed:
        # A step the speaker would take is not an outcome unless an outcome frame says so, even late
        # in the answer where outcomes usually sit.
        scores["result"] -= 1.0
    if scene:
        # "If a customer called upset because ..., " restates the scenario unless a step follows it.
        scores["situation"] += 2.0 if not steps else 0.5
    if _USED_TO.search(norm):
        # "I used to say yes to everything": how things were before, the scene the habit changed.
        scores["situation"] += 2.5
        scores["action"] -= 1.5
    if not first and not outcome and _SPECIFIC_OTHER.search(norm):
        scores["situation"] += 1.5
    if not steps and not aim and not outcome and not scene:
        scores[None] += 1.0
    return scores


HISTORICAL_PRESENT = re.compile(
    r"\b(?:he|she|they|this (?:\w+ )?(?:guy|lady|man|woman|customer|caller|client|couple|family|gentleman)|the (?:customer|guy|lady|man|woman|caller)) "
    r"(?:just |actually |then |finally )?(?:comes|calls|walks|says|goes|gets|starts|keeps|asks|wants|tells|yells|hands|shows|leaves|pulls|brings|takes|needs|can't|doesn't|won't|is|'s|has)\b"
    r"|\b(?:he's|she's|they're) (?:\w+ )?(?:yelling|leaving|asking|calling|telling|saying|getting|trying|going|waiting|screaming|crying|standing)\b"
    r"|\b(?:so|and|then) i (?:grab|give|send|tell|ask|call|check|open|walk|go|take|get|put|make|find|explain|apologize|offer|verify|update|pull|look|run|say)\b"
)
"""Story told in the present tense ("so this guy comes up", "so I grab a new box")."""


def tells_story_in_present(texts: list[str]) -> bool:
    """Whether an answer narrates a specific event in the historical present, as speakers often do."""
    return sum(bool(HISTORICAL_PRESENT.search(" " + normalize(t) + " ")) for t in texts) >= 2


def cue_scores(text: str, present_story: bool = False, story_share: float = 0.0, plan: bool = False) -> dict[str | None, float]:
    """Sum of the cue weights each label collects in `text`, plus tense evidence.

    `present_story` says the whole answer is told in the present tense, so present forms count
    as narration rather than as general statements. `story_share` is the share of the answer's
    sentences that narrate: inside a story, one sentence without a past verb is more likely a
    verb Whisper mis-tensed ("I have to" for "I had to") than a general statement. `plan` says the
    answer lays out steps in conditional or habitual frames (`plan_answer`): its frames are then the
    plan's structure, not general talk, and the plan cues (`plan_scores`) are added.
    """
    norm = " " + normalize(text) + " "
    toks = norm.split()
    scores: dict[str | None, float] = {label: 0.0 for label in STATES}
    stated_aim = False
    for cue in CUES:
        if cue.pattern.search(norm):
            scores[cue.label] += cue.weight
            stated_aim = stated_aim or (cue.label == "task" and cue.weight >= 3)
    if stated_aim:
        # A stated aim: the verbs inside it are what had to happen, not what was done, and the
        # scene words beside it only lead up to it ("He was shouting, and my job was to ...").
        scores["action"] -= 1.0
        scores["situation"] -= 1.0
    past = past_tokens(toks)
    narrated = narrates(text, present_story)
    for cue in GENERIC_CUES + (() if plan else HABIT_CUES):
        if cue.pattern.search(norm):
            scores[None] += cue.weight if not narrated else cue.weight / 3
    if plan:
        for label, value in plan_scores(text).items():
            scores[label] += value
    elif not narrated:
        # Nothing told in the past: a general statement, an opinion or a hypothetical; unless the
        # sentence carries story cues anyway (ASR drops and garbles short verbs like "was").
        story = max(scores[label] for label in STATES if label is not None)
        scores[None] += (2.5 if story < 1.5 else 1.0) * (1.0 - IN_STORY_DISCOUNT * story_share)
    action_past = [t for t in past if t not in STATIVE]
    if _self_did(toks):
        scores["action"] += 1.0
    if not any(t in _I_FORMS or t in _WE_FORMS for t in toks):
        # Nobody on our side is the subject: others act in the scene or in the outcome, not in the Action.
        scores["action"] -= 1.0
        if not stated_aim and not any(t in ("my", "me", "our", "us") for t in toks):
            scores["task"] -= 0.8
    if past and not action_past:
        scores["situation"] += 0.6
    if len(toks) <= 3 and not past:
        scores[None] += 1.5
    if re.search(r"\b" + _NUMBER_WORDS + r"\b", norm) and scores["result"] > 0:
        scores["result"] += 0.8
    return scores
