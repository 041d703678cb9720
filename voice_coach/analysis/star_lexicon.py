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
from dataclasses import dataclass

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
_THIRD = r"(?:he|she|they|the customer|the client|the guest|the patient|the caller|the man|the woman|the lady|the guy|the member|the student|the couple|the family|the professor|my manager|my supervisor|my boss|the manager|the supervisor|customers|people|everyone)"
_NUMBER_WORDS = (
    r"(?:zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|sixty|seventy|eighty|ninety|hundred|hundreds|thousand|thousands|million|half|"
    r"double|doubled|twice|triple|tripled|dozen|percent|\d[\d,.]*%?)"
)
_DEADLINE = (
    r"(?:in (?:about |under |less than |only )?(?:an?|one|two|three|four|five|ten|twenty|thirty|\d+) (?:hours?|minutes?|days?)"
    r"|by (?:tonight|tomorrow|noon|the morning|the next|the end|monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
    r"|(?:that|this) (?:evening|night|afternoon|morning)|tonight|before (?:the|his|her|their|our) \w+)"
)
"""A time limit ("in about two hours", "by Friday"): with a need, it frames the task."""
_ADV = r"(?: (?:also|then|just|actually|immediately|quickly|first|finally|even|still|personally|really|right|eventually|calmly|politely|carefully|basically))?"


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


@dataclass(frozen=True)
class Cue:
    pattern: re.Pattern[str]
    label: str | None
    weight: float


def _cues(label: str | None, weight: float, *patterns: str) -> list[Cue]:
    # A pattern starting with ^ is anchored at the sentence start (texts are normalized to " words ").
    return [Cue(re.compile(p if p.startswith("^") else r"\b" + p + r"\b"), label, weight) for p in patterns]


CUES: tuple[Cue, ...] = tuple(
    # --- Situation: scene, time, place, someone else's problem -----------------------------
    _cues(
        "situation", 2.0,
        r"(?:at|in) (?:my|our|the|a|an) (?:last|previous|old|first|former|current|second|summer|part time)? ?(?:job|role|position|workplace|company)",
        r"(?:when|while|where) i (?:was )?(?:work(?:ed|ing)|did|started|interned)",
        r"when i (?:first )?(?:started|joined|began|was new|got hired)",
        r"i (?:had )?just (?:started|joined|been hired)",
        r"i (?:was )?work(?:ed|ing) (?:as|at|for|in|on|the)",
        r"i used to (?:work|be)",
        r"i was (?:a|an|the) (?:\w+ ){0,3}(?:at|in|for|with)",
        r"i was (?:new|working|covering|on shift|the only)",
        r"i was (?:at|in|on) (?:a|an|the|my|our)",
        r"(?:i'm|i am) (?:working|at|on shift|covering|new)",
        r"(?:this|these) (?:\w+ )?(?:guy|lady|man|woman|customer|client|caller|couple|family|kid|gentleman|table|patient|guest)",
        r"back when",
        r"(?:my time|my days|my years) (?:at|with|in|as|on)",
        r"(?:example|time|story|situation) (?:that )?(?:comes to mind|i can think of|i remember)",
        r"(?:one|on a|that) (?:day|time|night|evening|morning|afternoon|week|weekend|saturday|sunday|monday|friday)",
        r"(?:last|this past|that) (?:year|month|week|summer|spring|winter|fall|christmas)",
        r"a (?:few|couple of) (?:days|weeks|months|years) ago",
        r"there (?:was|were) (?:a|an|this|one|these|two|so)",
        r"(?:a|an|this|one) (?:\w+ ){0,2}(?:customer|client|guest|patient|caller|man|woman|lady|guy|member|family|couple|student|person|gentleman|professor) (?:who|came|called|walked|arrived|had|was|wanted|asked|showed|complained|emailed|wrote|needed|ordered|bought|booked)",
        r"(?:came|called|walked|showed up|rang|wrote) in",
        r"the (?:problem|issue|thing|challenge) was",
        r"it was (?:the|a|during|right before|just before|around|peak|really busy|packed|busy)",
        r"(?:we|i) had (?:a|an|this|no|about|like|way|too|over) ",
    )
    + _cues(
        "situation", 1.2,
        _THIRD + r" (?:was|were|had been|had|kept|wanted|said|claimed|insisted|complained|couldn't|didn't|hadn't|wasn't)",
        r"(?:was|were|is|are|he's|she's|they're|gets|got) (?:really |very |so |pretty |super |getting |already |just )?(?:upset|angry|mad|furious|frustrated|annoyed|confused|struggling|nervous|scared|stressed|panicking|yelling|rude|late|broken|down|missing|wrong|damaged|overwhelmed|behind|backed up|crying|short staffed)",
        r"because (?:his|her|their|the|it|we|they|he|she|our)",
        r"had (?:been|already|just|never)",
        r"(?:was|were) (?:\w+ing)",
        r"it turned out",
        r"kept \w+ing",
        r"^ (?:(?:so|um|uh|okay|well|yeah|and|but) )*(?:when|while|back when|during|before|in|at) ",
        r"(?:which|that) (?:is|was) (?:basically|pretty|kind of|really)",
    )
    # --- Task: obligation, aim, responsibility ---------------------------------------------
    + _cues(
        "task", 3.5,
        r"my (?:main |biggest |first |only |top |number one )?(?:job|role|task|responsibility|goal|aim|priority|focus|challenge|mission|concern|objective) (?:was|is|there was|became|at that point)(?! (?:at|in|with|for|as|on)\b)",
        r"i was (?:determined|trying|hoping|expected) to",
        r"what (?:he|she|they|i|we|the \w+) (?:really )?(?:needed|wanted|had to do|needed to do) (?:was|is)",
        r"(?:somebody|someone|one of us) (?:had|needed) to",
        r"the (?:only|main|most important) thing (?:that )?(?:mattered|i cared about|was to)",
        r"i made it my (?:goal|priority|mission|job)",
        r"(?:part|the point) of my job",
        r"i (?:was|am) (?:responsible|in charge|tasked|assigned|asked|told)",
        r"i knew (?:i|we) (?:had|needed|wanted|would have|have) to",
        r"(?:the|our) (?:goal|aim|objective|task|priority|job) (?:was|is|became)",
        r"it was (?:up to me|my job|my responsibility|on me)",
        r"i set (?:myself )?(?:a|the) goal",
        r"(?:asked|told|wanted|needed) (?:me|us) to",
        r"i (?:had|needed|wanted) to (?:make sure|figure out|find a way|find out|get|fix|keep|calm|help|protect|explain|contact|call|tell|solve|resolve|sort|deal|handle|turn|come up|learn|be|stop|get|deliver|balance|prioritize|decide|reach|cover|train)",
        r"i needed to",
        r"(?:had|needed) to (?:go out|ship|be shipped|be delivered|be ready|arrive)",
        r"(?:we|i) (?:had|needed) to (?:get|have|make|find|contact|reach|send|fix|keep)",
        r"(?:had|needed|had to be) (?:to be )?(?:done|ready|fixed|out|sent|delivered|finished) (?:by|before|that|in)",
    )
    + _cues(
        # A limit on what may or must be done, or what someone needed by when, frames the task.
        "task", 3.0,
        r"(?:i|we) (?:really )?(?:did not|didn't) want (?:to|him|her|them|anyone|anybody|the|it)",
        r"(?:i|we) (?:only )?had (?:only |just |about |less than )?(?:one|two|three|four|five|a|an|a few|a couple of) (?:\w+ )?(?:minutes?|hours?|days?|weeks?|months?) (?:before|to|until|left)",
        r"(?:i|we) (?:volunteered|offered|agreed|signed up|stepped up) to (?:fix|take|handle|lead|organize|run|cover|find|figure|look|sort|rewrite|update|train)",
        r"(?:policy|policies|rules?|process|procedure|contract|law) (?:only )?(?:said|says|required|requires|allowed|allows|did not allow|didn't allow|doesn't allow|was that)",
        _THIRD + r" (?:really |still |urgently )?(?:needed|had to have) (?:\w+ ){0,6}?" + _DEADLINE,
    )
    + _cues(
        "task", 1.5,
        _THIRD + r" (?:really |still |urgently )?needed",
        r"\bmust\b",
    )
    + _cues(
        "task", 1.2,
        r"(?:i|we) (?:really )?(?:had|needed|wanted) to",
        r"i (?:have|need) to",
        r"i wanted to (?:\w+ ){0,2}(?:make|raise|improve|find|help|keep|get|reduce|increase|turn|give|show|fix|solve|learn|be|ensure)",
        r"(?:so|and) i (?:had|needed) to",
    )
    # --- Action: the speaker doing things --------------------------------------------------
    + _cues(
        "action", 1.5,
        r"(?:so|then|and then|first|next|after that|afterwards|right away|immediately|also) (?:i|we) (?!(?:was|were|had|knew|felt|thought|wanted|needed|am|have|didn't|couldn't|wasn't)\b)",
        r"i (?:decided|offered|suggested|explained|apologized|apologised|listened|asked|called|checked|contacted|escalated|walked|showed|helped|sat|went|took|told|gave|sent|wrote|made|set|put|brought|spoke|talked|stayed|booked|moved|reset|fixed|ordered|looked|found|printed|created|emailed|texted|organized|arranged|scheduled|offered|refunded|replaced|updated|noted|reached|followed|picked|drove|tested|tried|started|stepped|grabbed|pulled|used(?! to)|kept|let|sorted|split|documented|trained|researched|compared|collected|rewrote|redid|processed|filed|flagged|asked|agreed|assured|promised|got)",
    )
    + _cues(
        "action", 1.0,
        r"(?:we|i) (?:\w+ly )?(?!(?:wanted|needed|seemed|wished|hoped|liked|loved|hated|realized|noticed|believed|assumed|figured|supposed|used)\b)(?:\w+ed) (?:the|her|him|them|his|their|it|a|an|up|out|over|back|with|to|through)",
        r"(?:made|make) sure",
        r"to (?:make sure|see if|check|find out|let)",
        r"i (?:just|personally|then|also|immediately|quickly)",
    )
    # --- Result: consequence, change, satisfaction, lesson ---------------------------------
    + _cues(
        "result", 3.0,
        r"as a result",
        r"in the end",
        r"at the end of the (?:day|call|week|month|shift)",
        r"(?:the|my) (?:result|outcome|impact) (?:was|is)",
        r"ended up",
        r"(?:since then|ever since|from then on|to this day|after that day|never (?:ran|had|happened|got) (?:out )?again|still (?:a|coming|uses|using))",
        r"(?:thanked|thanks) (?:me|us|my|our)",
        r"(?:i|we|it) (?:learned|taught me|showed me)",
        r"the lesson",
        r"(?:haven't|hasn't|hadn't|never) (?:\w+ )?(?:\w+) (?:since|again)",
        r"turned (?:positive|around|out (?:great|well|fine|okay))",
        r"(?:i|we) (?:got|was|were) (?:\w+ )?(?:recognized|praised|thanked|promoted|named|awarded|complimented|mentioned)",
        r"(?:kept|saved|retained|won back) (?:the|his|her|their|our|that) (?:account|customer|client|business|contract|membership|subscription|sale)",
        r"(?:took away|take away|takeaway|that experience|this experience) (?:from|was|is|taught|showed|made)",
        r"(?<! i )(?<! we )(?<! also )(?:left|wrote|gave|posted) (?:us |me )?(?:a|an) (?:\w+ ){0,2}(?:review|tip|letter|comment|rating|note)",
        r"(?:five star|5 star|positive|good|great|glowing|nice) (?:review|feedback|rating|survey)",
        r"(?:went|gone|go|goes|dropped|fell|rose|increased|decreased|improved|reduced|grew|jumped|climbed|cut|came|went back) (?:\w+ ){0,3}(?:up |down )?(?:by|from|to) (?:about |around |almost |nearly |over |more than |roughly )?" + _NUMBER_WORDS,
        r"from (?:about |around )?" + _NUMBER_WORDS + r" (?:\w+ ){0,3}(?:down |up )?to " + _NUMBER_WORDS,
    )
    + _cues(
        # What lasted, and what a later time opens: both report how things turned out.
        "result", 2.0,
        r"still (?:\w+ ){0,5}(?:today|now|to this day)",
        r"still (?:use|uses|using|apply|applies|do|does|work|works|get|gets|remember|talk about|think about)",
        r"(?:before|ahead of) (?:the |our |their )?(?:deadline|schedule|cutoff)",
        r"^ (?:(?:so|and|then|um|uh|but) )*(?:after (?:a|one|two|three|four|a few|about a|about two) (?:day|days|week|weeks|month|months|year|years|quarter)"
        r"|(?:the|that) next (?:week|month|day|morning|quarter|year)"
        r"|by (?:friday|monday|tuesday|wednesday|thursday|saturday|sunday|noon|the end|the next|then|that afternoon|the afternoon|lunch|lunchtime)"
        r"|(?:a|one|two|three) (?:week|weeks|month|months|day|days|year|years) later"
        r"|within (?:a|an|one|two|three|the) (?:day|days|week|weeks|month|months|hour|hours))",
    )
    + _cues(
        "result", 1.8,
        r"(?:was|were|seemed|felt|looked) (?:really |very |so |super |much |a lot |pretty |more |totally |clearly )*(?:happy|happier|satisfied|grateful|pleased|thrilled|relieved|impressed|thankful|calmer|understanding|appreciative)",
        r"(?:appreciated|calmed down|calms down|stayed with us|signed up|renewed|recommended|walks out|thank you so much)",
        r"(?<! i )(?<! we )(?:came back|comes back)",
        _THIRD + r" (?:\w+ ){0,2}(?:kept (?:the|his|her|their|it|coming|using|buying|shopping|ordering)|booked|bought|switched|accepted|agreed|chose|picked|paid|left|called|said|told|wrote|got|passed|started|finished|made|decided|upgraded|stayed|renewed|returned|rated|ordered)",
        r"(?:increased|decreased|improved|reduced|dropped|saved|raised|lowered|doubled|halved|boosted|shortened|cut)",
        r"(?:was|were|got) (?:all |fully |finally |completely )?(?:resolved|fixed|solved|sorted|approved|back|done|seated|ready|accepted|promoted|recognized|praised)",
        r"(?:regular|loyal) (?:customer|client)",
        r"(?:eventually|finally|afterwards|later|the next day|a few days later|a week later|by the end|within)",
        r"(?:score|scores|rating|satisfaction|csat|nps|sales|complaints|wait times?|call times?|response times?|numbers)",
        r"(?:manager|supervisor|boss|owner|lead) (?:\w+ ){0,2}(?:praised|recognized|thanked|noticed|said|used|shared|made it|asked me to share|gave me)",
        r"(?:shout out|award|got a promotion|bonus|employee of the (?:month|quarter|year)|was named|got promoted|was promoted)",
        r"(?:it|that) (?:worked|paid off|helped|made a (?:big )?difference)",
        r"(?:i|we) (?:managed|were able|was able) to",
        r"(?:didn't|never|did not) (?:get|have|leave|hear|cancel|lose|miss)",
        r"(?:said|told|say|says|saying) (?:me |us |the \w+ )?(?:that )?(?:i|we|it|she|he|they) (?:was|were|made|would|had|did|'d|saved)",
        r"(?:made|make|making) (?:her|his|their|my|our) (?:day|night|week)",
        r"\d+ (?:minutes|hours|days|weeks|percent|points|dollars|%)",
        r"(?:percent|%)(?! off| discount)",
    )
    # --- No STAR role: preamble, wrap-up, opinion -------------------------------------------
    + _cues(
        None, 3.0,
        r"(?:good|great|tough|tricky|hard|interesting|fair) (?:question|one)",
        r"let me (?:think|see|remember)",
        r"^ (?:(?:yeah|yes|so|um|uh|okay|ok|well|sure|absolutely|right|alright|oh|hmm|definitely|of course|great) )+$",
        # An opinion opening the sentence frames it as general talk, whatever the clauses inside narrate.
        r"^ (?:(?:so|well|um|uh|and|honestly|yeah|okay) )*i (?:really )?(?:think|believe|feel) (?!(?:that )?(?:i|we|it was|that was|he|she|they|taught|showed|made|helped)\b)",
        r"(?:that's|that is|that was) (?:one|an|a good|a great|my|the) (?:example|story|time|one)",
        r"that's (?:how|what|why|basically|pretty much|about|all)",
        r"(?:so )?yeah (?:that's|that was|so|i think)",
        r"i (?:haven't|have not|never) (?:really |actually )?(?:had|been in|dealt|faced|experienced)",
        r"what i would do",
    )
    + _cues(
        # A career summary narrates years, not one episode: "I grew up", "after college I joined".
        None, 2.0,
        r"grew up",
        r"after (?:college|high school|school|university|uni|graduating|graduation)",
        r"moved (?:up )?into (?:a|the|my) (?:\w+ ){0,2}(?:role|position|job)",
        r"i've been (?:in|doing|working|with)",
        r"for the (?:last|past) (?:two|three|four|five|six|few|several|\d+) years",
    )
)

GENERIC_CUES: tuple[Cue, ...] = tuple(
    # Present-tense opinions and general statements. They count fully only where nothing is narrated
    # in the past: inside a story, "I want" is more likely Whisper mishearing "I was".
    _cues(
        None, 3.0,
        r"i'd (?:say|like to think)",
        r"you (?:deal|get|see|have|need|learn|want|can|know|just|try|should|always|never|really)",
        r"all the time",
        r"(?:customers|people|clients|callers|everyone|everybody|nobody|most people) (?:usually |always |often |really |just )?(?:can|can't|cannot|tend|like|likes|want|wants|need|needs|hate|hates|love|loves|know|knows|don't|do|get|gets|are|is)\b",
        r"i (?:think|believe|feel|guess) (?:that )?(?:you|the key|it's|it works|it helps|it matters|customers|people|a good|good|great|the most|my biggest|staying|being|listening|having|it is|this|every)",
        r"(?:you|one) (?:have|has|need|needs|should|can't|cannot) to",
        r"it's (?:really )?(?:important|about|all about|key|essential)",
        r"(?:i'm|i am) (?:a|really|very|pretty|good|great|looking|always|someone|the kind|comfortable|reliable|organized|patient|passionate)",
        r"i (?:really |just |also |actually )?(?:like|love|enjoy|want|prefer)",
        r"my (?:biggest|greatest|main|key) (?:strength|weakness)",
        r"(?:you should|why you should) hire",
    )
)

HABIT_CUES: tuple[Cue, ...] = tuple(
    # Hypothetical and habitual frames: general talk in an answer that neither narrates nor lays out
    # a plan; in a plan (see `plan_answer`) they are the plan's steps and count for nothing here.
    _cues(
        None, 3.0,
        r"if (?:i|you|we|they|he|she|someone|somebody|a customer|people|it) (?:\w+ ){0,2}?(?:is|are|am|do|does|don't|doesn't|can|can't|need|needs|want|wants|get|gets|have|has|push|ask|asks|call|calls)\b",
        r"i can (?!t\b)\w+",
        r"i would (?:try|say|probably|first|just|get|ask|make|stay|listen|repeat|apologize|explain|tell)",
        r"i (?:really |just |also |actually )?(?:try|always|usually|tend)",
    )
)

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
