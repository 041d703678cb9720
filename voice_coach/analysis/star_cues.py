"""The STAR cue tables: weighted patterns per part, for stories (CUES), general talk (GENERIC_CUES)
and hypothetical or habitual frames (HABIT_CUES). Data only; star_lexicon scores sentences with them."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
