"""The benchmark's answer scripts, how each is rendered, and the real clips read from shared/eval-real.

Script markup (one string per answer):
  S: T: A: R:   STAR label for the sentences that follow; `-:` means no STAR label
  {um}          a filler piece: um uh er erm hmm (hesitations) or like / you know / i mean / kind of
  [1.4]         an explicit silence of 1.4 s
  <so that>     a look-alike phrase: ordinary speech that resembles a filler (counted for false alarms)
  [0]           no gap at all: the next piece runs in (a hesitation run into a word)
Plain text is split into one speech piece per sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from voice_coach.testing.synth import Filler, ScriptItem, Speech

REAL_DIR = Path("/work/shared/eval-real")


@dataclass(frozen=True)
class Script:
    name: str
    question: str
    text: str
    kind: str = ""  # behavioral | situational | general (the family scripts say which)


@dataclass(frozen=True)
class Render:
    """One rendering of a script: the voice, rate, pitch, noise and timing it is spoken with."""

    script: Script
    voice: str
    rate_wpm: int
    pitch: int
    noise_snr_db: float | None
    noise_kind: str
    lead_in_s: float
    tail_s: float
    seed: int
    gain_db: float = 0.0

    @property
    def noise_label(self) -> str:
        return "none" if self.noise_snr_db is None else f"{self.noise_snr_db:g}dB"

    @property
    def file_stem(self) -> str:
        voice = self.voice.replace("+", "_")
        return f"{self.script.name}__{voice}_r{self.rate_wpm}_p{self.pitch}_{self.noise_label}_{self.noise_kind}_s{self.seed}"


_TOKEN = re.compile(r"\{([^}]+)\}|\[(\d+(?:\.\d+)?)\]|<([^>]+)>|(?:(?<=\s)|^)([STAR-]):\s")


def parse_script(text: str) -> list[ScriptItem]:
    """Markup to synth items (see the module docstring)."""
    items: list[ScriptItem] = []
    label: str | None = None

    def add_plain(chunk: str) -> None:
        for sentence in re.split(r"(?<=[.?!])\s+", chunk.strip()):
            if re.search(r"[A-Za-z0-9]", sentence):
                items.append(Speech(sentence.strip(), star=label))

    pos = 0
    for m in _TOKEN.finditer(text):
        add_plain(text[pos : m.start()])
        pos = m.end()
        filler, silence, look, star = m.groups()
        if filler:
            items.append(Filler(filler.strip()))
        elif silence:
            items.append(float(silence))
        elif look:
            items.append(Speech(look.strip(), star=label, lookalike=True))
        else:
            label = None if star == "-" else star
    add_plain(text[pos:])
    return items


# ---------------------------------------------------------------- the scripts (written for this project)
SCRIPTS: tuple[Script, ...] = (
    Script("angry_refund", "Tell me about a time you calmed an angry customer.", """
S: At my last job I answered calls for an online shoe store. {um} One Monday a man called about a refund that had been promised three weeks earlier.
He had already called twice, and both times he was told to wait another five days.
T: He was shouting, and my job was to {like} keep him on the line and actually fix it. [1.6]
A: First I let him finish without interrupting. Then I repeated back what had happened, <so that> he knew I had understood. {uh} I checked the order and saw the refund had failed because his card had expired.
Nobody had told him that. I set up a bank transfer <right away> and gave him a reference number.
{um} I also wrote a note on his account <so that> the next agent would see the whole story.
R: He calmed down, thanked me, and later left a five star review that mentioned me by name. [1.3] {I mean} it showed me that most anger is really about not being listened to.
"""),
    Script("extra_mile_wheelchair", "Describe a time you went above and beyond for a customer.", """
-: {um} [1.3] Sure.
S: I worked at a help desk for a regional airline. A woman called because her father's wheelchair had not been loaded onto a connecting flight.
T: She needed it at the airport in about two hours, and nobody on the ground was answering.
A: I I think I called four different desks {you know} until I reached a supervisor in baggage. I stayed on with her the whole time {uh} and arranged a loaner chair at the gate.
I also asked the cabin crew to let her father leave the plane first. [1.4] {er} That was not really my job, but it felt <like the right call>.
R: The chair was waiting when they landed. {I mean} it was a small thing, but she wrote to the company about it, and my manager read her letter out at our team meeting.
"""),
    Script("prioritise_queue", "How do you prioritise when several customers need you at once?", """
A: {hmm} [1.2] I look at urgency first, then at who has been waiting longest.
S: In a retail chat queue I often had five or six chats open at once.
A: If somebody could not log in to pay a bill that was due today, that came first. {um} Simple questions {like} store hours I answered with a short saved reply, <so that> nobody sat waiting for two minutes.
I also told each person honestly how long it would take. [1.4] {er} That honesty mattered more than speed.
When a chat needed a long investigation, I asked the customer if it was <okay to email them> the result instead of keeping the chat open.
R: My average wait time dropped to under a minute that quarter, and my team lead asked me to show the others how I split my screen.
"""),
    Script("mistake_wrong_plan", "Tell me about a mistake you made with a customer.", """
S: {uh} In my first month at a phone company I moved a customer to the wrong data plan.
T: She noticed when her bill doubled, and she was {kind of} furious, which was fair.
A: I owned it straight away. [1.5] I apologised, {um} switched her back, and asked my team lead to refund the difference.
Then I wrote myself a checklist for plan changes <so that> it would not happen again.
R: She stayed with us, and the checklist ended up in the onboarding notes for new hires.
"""),
    Script("why_customer_service", "Why do you want to work in customer service?", """
-: {um} <I like solving problems> for people who are stressed.
When someone calls a support line, {you know}, they are usually having a bad day. [1.3]
I enjoy being the person who turns that around. {I mean} I have done retail and phone work for four years, and the part I look forward to is the moment a customer says thanks, that worked.
{uh} <I also like that> the job is measurable, <so that> you can see yourself improve from week to week.
And honestly, [1.2] I am good at staying calm. {er} Friends call me when something goes wrong, because I do not panic.
"""),
    Script("tell_me_about_yourself", "Tell me a little about yourself.", """
-: Sure. {um} I grew up in a small town and started working at a grocery checkout at sixteen.
After college I joined a call centre for an energy supplier, where I handled billing questions for about two years.
[1.2] {uh} Last year I moved into a team lead role, <so that> now I coach six new agents.
Outside work I {like} volunteer at a food bank on Saturdays. [1.6]
I am looking for a role where I can keep talking to customers but also improve the processes behind the calls.
{um} Your company came up because a friend works here, and she says the training is excellent. [1.3]
{I mean} that matters to me, because I want to keep learning, not just take calls.
"""),
    Script("router_outage", "Describe a time you explained something technical to a customer.", """
S: I was on a support line for an internet provider, and an older customer could not get online after an outage.
T: She had <a kind of router> I had not seen before, and she was not comfortable with technical words.
A: {um} I stopped using terms <like reset and firmware>. I asked her to describe the lights, one by one. [1.7]
{uh} We found the power cable was only half in. I walked her through it slowly and waited on the line after each step.
When the lights turned green, I asked her to open a web page <right away> while I was still there.
R: She got online in ten minutes and asked if she could call me again next time. {you know}, [1.2] she even remembered my name when she called a month later.
"""),
    Script("difficult_coworker", "Tell me about a conflict with a coworker.", """
S: {er} A colleague kept passing difficult calls to me near the end of his shift.
T: I did not want to go to a manager first. [1.3]
A: I asked him for a coffee and said {you know}, I have noticed the transfers, and I wanted to understand why.
It turned out he was afraid of billing disputes because he had never been trained on them. {um} I showed him the two screens I use for those.
We also agreed he could message me during a call instead of transferring it.
R: The transfers stopped, and a month later he was taking those calls himself.
"""),
    Script("long_hold", "What do you do when you must put a customer on hold for a long time?", """
A: {um} I tell them why, and I give them a real estimate.
If it will be more than two minutes, I offer a call back instead. [1.4]
I check in every minute or so, even just to say I am still here. -: {I mean} nothing is worse than dead air on a support call.
A: <If they were okay> with waiting, I thank them when I come back, and I start with the answer, not with an apology.
{uh} If they were not, I book the call back and give them a time window <right away>. [1.5]
R: In my last job I kept my holds under three minutes on average, which was well below the team target.
"""),
    Script("upsell", "How do you feel about selling to customers during support calls?", """
-: {hmm} I think it works when it actually fixes the problem the person called about.
S: At a cable company I handled a lot of complaints about slow internet.
A: Most of those <customers like fast replies> and quick fixes, so I always solved the call first. [1.5] {uh} Only then, if their plan was really too small, I mentioned the faster tier.
I never pushed it twice. {um} If they said no, I wrote it down <so that> nobody else would push it either.
R: My sales numbers were average, but my satisfaction scores were the highest on the floor, and my manager {like} pointed that out in my review.
"""),
    Script("no_answer", "What do you do when you do not know the answer to a question?", """
A: I say so. -: {um} Customers can tell when you are guessing.
S: Once a caller asked whether a warranty covered water damage on a laptop bought abroad.
A: I told her I was not sure, [1.2] put her on a short hold, and asked our warranty team.
{uh} It took about four minutes. I came back with the answer and the exact policy page.
R: She was happy with that, even though the answer was no.
"""),
    Script("feedback_from_manager", "Tell me about a time you received critical feedback.", """
S: {um} During a call review my supervisor said I sounded rushed.
T: My handling time was great, but my satisfaction scores were {kind of} flat. [1.8]
A: I listened to ten of my own calls. {uh} She was right. I was talking over people at the end of calls.
I started pausing before closing, and asking whether there was anything else I could help with.
{er} I also asked a colleague with very high scores if I could listen to a few of her calls. [1.3] She had a way of summarising the call that <sounded like a friend> checking in.
R: My scores went up by about eight points over the next two months. {I mean} I still use her closing line today.
"""),
    Script("short_strength", "What is your greatest strength?", """
-: {um} Patience. [1.3] I can stay calm with a customer who is yelling, and I do not take it personally. {I mean} they are upset with the situation, not with me.
"""),
    Script("short_weakness", "What is your biggest weakness?", """
S: {uh} I used to say yes to everything. I would take on extra shifts and extra projects, and then I was tired on calls. [1.4]
A: Now I check my calendar before I agree to anything new, <so that> my customers get my best.
"""),
    Script("multichannel", "Have you handled phone, chat and email support?", """
-: Yes, all three. {um} In my last role I split my day between phone in the morning and chat and email in the afternoon.
{you know}, each channel needs a different tone. On the phone I can hear when someone is frustrated. [1.5]
In chat I keep my messages short, and I {uh} use their name more often.
Email lets me be thorough, <so that> I include every step and a screenshot when it helps.
{hmm} [1.2] If I had to pick one, I would pick the phone. <Customers like hearing> a real person, and problems get solved faster.
"""),
    Script("escalation_refused", "Tell me about a time you had to say no to a customer.", """
S: A customer wanted a full refund on a phone he had used for eleven months.
T: Our policy only allowed refunds within thirty days, and I could not change that. [1.3]
A: {um} I explained the policy plainly, and then I looked for what I could do. {uh} His phone was still under warranty, so I booked a free repair.
I also {like} waived the shipping fee, which I was allowed to do.
I asked <if he was okay> with a courier picking it up from his office, which saved him a trip.
R: He was not thrilled, but he accepted it, and he rated the call four out of five.
"""),
    Script("team_project", "Describe a time you worked in a team to fix a recurring problem.", """
S: On my old team, customers kept calling because delivery emails went to spam.
T: Three of us agreed to figure out why. {um} I was in charge of collecting examples.
A: I logged every call about it for two weeks. [1.6] {er} The pattern was clear: one email provider blocked our sender.
Our IT colleague fixed the settings, and I wrote a short note for agents <so that> they could help anyone still affected.
{uh} I also drafted a message for the website, <a kind of banner> that told people to check their spam folder.
R: Those calls dropped by about two thirds within a month. [1.4] {you know}, it was the first time I saw how much a small fix could save.
"""),
    Script("stress", "How do you handle stress on a busy shift?", """
A: {hmm} I take one call at a time. [1.2] -: That sounds obvious, but when the queue shows forty people waiting, {you know}, it is tempting to rush everyone.
A: I keep a glass of water at my desk and I take a breath between calls.
{um} After a really hard call I take the thirty seconds of wrap-up time to reset before the next one.
S: Last winter our heating supplier had an outage and we were the only team answering. T: I had to keep my calls calm for a nine hour shift. [1.4]
A: {uh} I stuck to that routine, one call, one breath, and I asked my lead to rotate the hardest calls between us.
R: I finished the shift with my usual scores, and nobody on the team called in sick the next day.
"""),
    Script("angry_repeat", "Tell me about a customer who called back several times about the same issue.", """
S: {uh} A small business owner called us five times in one week about a billing error.
T: Each agent had fixed part of it, but nobody owned the whole thing. [1.4]
A: I told him I would take it from here, and I gave him my direct extension. {um} I I went through every invoice for six months and found two more mistakes.
I corrected all of them in one go and sent him a summary. {er} Then I called him <right away> to walk through it, line by line.
R: He never had to call again, and he {like} sent our team a box of cookies.
"""),
    Script("remote_work", "How do you stay productive working from home?", """
A: {um} I keep office hours, even at home. I start at the same time, I sit at a proper desk, and my headset stays on during the shift.
[1.3] -: {I mean} it is easy to drift when nobody is watching. A: {uh} I also message my team lead at the start of each shift <so that> she knows I am online.
"""),
    Script("policy_change", "Tell me about a time you adapted to a big change at work.", """
S: Our company replaced its whole ticket system in one weekend.
T: On Monday I had to take calls on a tool I had only seen in a one hour training. [1.5]
A: {um} I spent Sunday evening clicking through the practice version. During the week I kept a list of shortcuts and shared it with the team.
{uh} When something broke, I wrote it down and told the project lead <right away>.
A few colleagues were {kind of} lost, so I sat with two of them during their first shift on the new tool. [1.2]
R: By Friday my handling time was back to normal, and the list became part of the official guide.
"""),
    Script("empathy", "How do you show empathy on the phone?", """
A: {um} I listen more than I talk, especially at the start.
I repeat the important detail back, {like} the date their package was due, so they know I heard it. [1.2]
{er} I also adjust my pace. If someone is upset, I slow down and lower my voice a little.
And I never say I understand exactly how you feel, because usually I do not. [1.6]
{uh} Instead I say something <like that sounds stressful>, and then I tell them what I am going to do about it.
"""),
    Script("metrics", "Which customer service metrics do you pay attention to?", """
-: {uh} Mainly satisfaction scores and first contact resolution.
Handling time matters too, but if I push it down too far, {you know}, people call back, and that costs more. [1.6]
S: In my last job my first contact resolution was around eighty percent. A: {um} I kept it there by checking the account history before I answered.
[1.2] {er} I also called back a few customers a day later, <so that> I knew whether the fix had really worked.
R: Our repeat calls went down, and my lead used my notes in a team workshop.
"""),
    Script("language_barrier", "Tell me about a time you helped a customer who spoke limited English.", """
S: {um} An older man called about a gas bill, and his English was quite limited.
T: He was worried the gas would be cut off, and he could not follow the automated menu.
A: I slowed right down and used short sentences. [1.4] {uh} When that was not enough, I asked if a family member could join the call.
His daughter joined, and together we set up a payment plan. {er} I also sent the plan in writing <so that> she could translate it for him later.
R: The account was saved, and he called back later just to say thank you.
"""),
    Script("fraud_call", "Tell me about a time you protected a customer's account.", """
S: A caller wanted to change the email address on an account, but his answers to the security questions did not match.
T: He got angry and said he was the owner and was in a hurry. [1.7]
A: {um} I stayed polite but firm. I explained that I could not make the change without verification, {uh} and I offered to send a code to the phone number on file.
He hung up. I flagged the account and emailed the real owner.
R: It turned out someone was trying to take over her account. She thanked us for stopping it.
"""),
    Script("learning_product", "How do you learn a new product quickly?", """
A: {hmm} I use it myself, the way a customer would. [1.3]
S: When I joined a software company, the product had changed a lot just before I started. T: I had one week before taking live calls.
A: I set up a trial account and {like} broke things on purpose to see the error messages.
{um} I also read the last fifty support tickets <so that> I knew which questions came up most.
R: After a week I could answer most calls without looking things up.
"""),
    Script("late_delivery", "A customer's order is late and they are upset. What do you do?", """
A: First I apologise and check the tracking while they are on the line. {um} [1.2]
If the parcel is lost, I do not make them wait for an investigation. I send a replacement or a refund, whichever they prefer.
-: {I mean} the customer did nothing wrong. [1.5] A: {uh} I also tell them exactly when they will hear from us next, and then I make sure they do.
"""),
    Script("vip_client", "Describe a time you handled an important client.", """
S: I handled support for a hotel chain that was our biggest account.
T: Their booking system went down on a holiday weekend. {um} They needed updates every hour.
A: I set a timer and called their manager every hour, even when there was no news. [1.6] {er} I also wrote down what our engineers were doing in plain words <so that> she could pass it on to her staff.
At one point she asked <if her guests were okay> to check in on paper. {uh} I checked with our team, and we sent her a simple form she could print.
R: The fix took nine hours, but the client renewed their contract that autumn and asked for me as their contact.
"""),
    Script("closing_questions", "Do you have any questions for us?", """
-: {um} Yes, a couple. What does a typical day look like for someone in this role? [1.4]
And how do you measure success in the first three months? {uh} I would also <like to know> how the team shares tips, {like} whether there are regular call reviews.
"""),
    Script("night_shift", "Are you comfortable working evenings and weekends?", """
-: Yes. {um} I worked weekend shifts for two years at a pharmacy helpline.
I actually {kind of} <like the evening queue>, because the calls are longer and more involved. [1.3]
{uh} The only thing I ask is a week of notice when the rota changes, <so that> I can plan my childcare.
"""),
    Script("broken_promise", "Tell me about a time a colleague made a promise to a customer that could not be kept.", """
S: {uh} A colleague told a customer she would get a free upgrade, but that offer had ended.
T: The customer called back and I picked up. She was {like} really annoyed, and I understood why. [1.5]
A: I did not blame my colleague on the call. {um} I explained the offer had expired, and I asked my manager whether we could honour it once.
He agreed. I called the customer back within the hour.
R: She kept the upgrade and stayed a customer. Afterwards I spoke with my colleague privately about checking offer dates.
"""),
    Script("self_motivation", "What motivates you at work?", """
-: {um} Honestly, a good call. [1.2] When someone starts angry and ends up laughing, that stays with me for the rest of the shift.
{you know}, <I also like learning>. {uh} Every week there is some new product question I have to figure out.
"""),
    Script("crisis_day", "Tell me about your busiest day in a support job.", """
S: The day our payment system failed, we had over four hundred people in the queue by nine in the morning.
T: I was one of eight agents on shift, and most callers just wanted to know if they had been charged twice. [1.4]
A: {um} Our lead wrote a short statement, and I suggested we read it at the start of every call <so that> people heard the facts first.
{uh} [1.8] Then we only took details from those who had really been double charged.
I kept a shared sheet of the affected accounts, <so that> the finance team could refund them <right away>.
{I mean} it was chaos, but having one list kept us from promising different things.
R: We cleared the queue by two in the afternoon, and nobody waited more than twenty five minutes. [1.3] The next week the company used our statement as a template for outages.
"""),
    Script("knowledge_base", "Have you ever improved a process at work?", """
S: Our help articles were out of date, and agents kept giving customers old instructions.
T: {er} I volunteered to fix the ten most used articles.
A: I checked each one against the live product {um} and rewrote the steps in plain language. [1.5] I added pictures where people got stuck, {like} the password reset screen.
R: Calls about those topics fell by about a fifth over the next quarter.
"""),
    Script("customer_wrong", "What do you do when the customer is wrong?", """
A: {hmm} [1.4] I try not to make it about right and wrong.
If a customer misread a price, for example, I show them where the real price is and ask how I can help from there.
-: {I mean} nobody <likes being told> they made a mistake. A: {uh} I give them a way to save face, and usually the call goes fine.
"""),
    Script("teamwork_short", "Do you prefer working alone or in a team?", """
-: {um} A bit of both. [1.3] On calls I work alone, but I lean on my team for the hard cases.
{uh} <I like teams> where people share what worked <so that> nobody has to learn everything the hard way.
"""),
    Script("returns_policy", "Tell me about a time you bent the rules for a customer.", """
S: {um} A customer wanted to return a coat two days after the return window closed.
T: She had been in hospital, and she brought a discharge letter. [1.6]
A: I did not have the authority to accept it, {uh} so I called my store manager and explained the situation.
{you know}, I asked for the exception before promising anything.
R: The manager approved it, and the customer left with a refund and a lot of relief.
"""),
    Script("cancel_subscription", "How would you handle a customer who wants to cancel?", """
A: {uh} I would ask why, once, and really listen to the answer.
If it is something I can fix, {like} a billing problem, I offer the fix. [1.4]
If they just do not need the service anymore, I cancel it without a fight. {um} <If they were okay> with it, I might mention they can come back any time.
-: Making someone argue to leave is the fastest way to lose them for good.
"""),
    Script("first_job", "What did you learn in your first job?", """
S: {um} My first job was at a cinema ticket counter when I was seventeen.
T: On opening nights the line went out the door, and people got impatient.
A: I learned to smile, count fast, and keep talking to the next person while I finished with the last one. [1.3] {er} I also learned to ask for help before I was drowning.
R: {I mean} those lessons still apply. A busy queue is a busy queue, whether it is tickets or phone calls.
"""),
    Script("security_breach", "Tell me about a time you handled confidential information.", """
S: {uh} A customer accidentally emailed us a photo of her full credit card.
T: Our rules said card details must never sit in the ticket system. [1.5]
A: I deleted the attachment, {um} wrote to her explaining what I had done, and told her never to send card numbers by email.
Then I reported it to our security team <right away>, as the process required.
R: Security confirmed the data was removed, and she thanked us for being careful.
"""),
    Script("long_onboarding", "Walk me through how you would handle your first month here.", """
A: {um} In the first week I would mostly listen. I would shadow experienced agents, take notes, and learn the systems.
[1.4] {uh} I would ask <a kind of silly question> every hour, probably, and I would rather do that than guess on a live call.
In the second week I would start taking simple calls with someone beside me, <so that> mistakes get caught early.
{you know}, I would also read the most common tickets from the last few months. [1.7]
T: By the third week I would want to handle a normal queue on my own, and by the end of the month I would ask my lead for a call review.
A: {er} <I mean to be honest> about what I still find hard. {hmm} [1.2] And I would try to learn the names of people in other teams, <like billing and shipping>, because those are the people who actually fix things for customers.
"""),
    Script("hard_day_story", "Tell me about a day when everything went wrong.", """
S: {uh} It was a Friday in December, and our phone system dropped calls every twenty minutes.
Customers had to call back and wait again, and they were furious by the time they reached us.
T: I was the senior agent on shift, so I had to keep the team calm and keep customers informed. [1.5]
A: {um} First I asked everyone to take down a call back number in the first ten seconds of every call.
That way, if the line dropped, we could ring them back <right away> instead of making them queue again.
{I mean} it sounds simple, but nobody had thought of it. [1.3] I also posted a note on our website <so that> people knew about the problem before they called.
{er} And I made sure the team took their breaks, because tired people snap at customers.
R: We lost far fewer customers than the team next door, and our manager turned the call back rule into a standard step for outages.
{hmm} [1.6] It was an exhausting day, but it taught me that a small process can protect both customers and staff.
"""),
    Script("warehouse_mixup", "Tell me about a time you solved a problem that involved several departments.", """
-: {um} Yes, [1.2] this one took a while to untangle.
S: At a furniture retailer, customers kept receiving the wrong colour of sofa, and each complaint was treated as a one-off.
Our warehouse blamed the website, and the website team blamed the warehouse.
T: My manager asked me to find out what was actually going on, because the complaints were costing us a lot in returns. [1.5]
A: {uh} I pulled every complaint from the last three months and put them in one sheet. I noticed that almost all of them were for two products that shared a stock code.
{I mean} once you saw it, it was obvious. [1.3] I took the sheet to both teams in the same meeting, <so that> nobody could point at the other.
The warehouse relabelled the shelves <right away>, and the website team fixed the codes the following week.
{er} I also wrote a short script for agents, <so that> customers who had the wrong sofa were offered a swap and a discount without being transferred.
R: Wrong colour deliveries dropped to almost zero, and returns for those two products fell by more than half.
{hmm} [1.4] It taught me that the fix is often in the data, not in another apology.
"""),
)


# ---------------------------------------------------------------- the voice-family corpus (issue 12)
# Scripts written for the multi-family corpus: hesitations sentence-initially, mid-clause, before
# numbers, right after a word and run into the next one ([0]); silences just under and over 1 s.
# Each is spoken by every family (voice_coach/testing/families.py) with the same rate, level, noise
# and timing, so family rows compare like with like.
FAMILY_SCRIPTS: tuple[Script, ...] = (
    # ------------------------------------------------------------ behavioral
    Script("fam_double_billing", "Tell me about a time you fixed a problem the customer did not know about yet.", kind="behavioral", text="""
S: {um} [0] Last spring I worked on the billing queue for a gym chain. While I was checking one account, I noticed the member had been charged twice for the same month.
T: Nobody had complained yet, but I knew it would turn into an angry call. [1.4]
A: {uh} I looked at the other accounts from the same branch and found {er} [0] fourteen more with the same double charge.
I flagged them to finance <right away>, and I wrote a short email that the team could send to each member.
{you know}, I wanted them to hear it from us first. [0.8] {erm} I also called the two members with the largest charges myself.
R: Finance refunded everyone within two days, and only one member called about it, {actually} to say thanks. [1.2]
"""),
    Script("fam_router_swap", "Describe a time you solved a technical problem over the phone.", kind="behavioral", text="""
S: A small bakery called because their card machine kept dropping offline during the morning rush.
T: {hmm} [1.1] They were losing sales every hour, so I had to find the cause while the owner was still serving people.
A: First I asked what else was on their network. It turned out they had <a kind of router> from a different provider that shared the same channel.
{um} I walked the owner through changing one setting, {kind of} step by step, and we tested a payment after each change. [1.6]
{uh} When the machine stayed online for ten minutes, I booked an engineer visit anyway, <so that> someone could check the wiring properly.
R: The machine worked for the rest of the day, and the engineer found a loose cable that would have caused the next outage.
"""),
    Script("fam_missed_callback", "Tell me about a time you let a customer down.", kind="behavioral", text="""
S: {er} I once promised a customer I would call her back by five with an update on a lost parcel.
T: I got pulled into a team meeting and {I mean} I simply forgot. [1.3]
A: The next morning I saw the note and called her first thing. I did not make excuses. {um} I told her I had missed it and that I was sorry.
I had already checked the tracking, so I could tell her the parcel was at the depot, and I arranged a redelivery for that afternoon. [0.9]
{uh} After that I started putting every callback in my calendar with an alarm.
R: She accepted the apology, the parcel arrived, and I have not missed a callback since.
"""),
    Script("fam_new_hire", "Tell me about a time you helped a colleague.", kind="behavioral", text="""
S: {um} A new colleague joined our chat team in the middle of our busiest month.
T: She was struggling with the returns tool, and her customers were waiting {like} six or seven minutes for answers. [1.5]
A: I asked our lead if I could sit with her for an hour. {uh} We went through her last twenty chats together.
Most delays came from one screen, <so that> I showed her two shortcuts and a saved reply I use for the same question.
{hmm} [1.2] I also told her she could message me during a chat instead of guessing. [0.7] {basically}, I wanted her to feel safe asking.
R: Within a week her waiting times were close to the team average, and she later helped the next new hire the same way.
"""),
    Script("fam_complaint_manager", "Tell me about a time a customer asked to speak to your manager.", kind="behavioral", text="""
S: A caller was upset that his internet had been slow for a week and asked for my manager in the first minute.
T: My manager was in a meeting, and I had to decide whether to make him wait or try to help myself. [1.3]
A: {uh} I told him honestly that my manager was busy for about {um} [0] twenty minutes, and asked if he would let me look first.
He agreed. {er} I ran a line test and saw his connection had been moved to an old port during maintenance. [1.8]
I asked <if they were okay> with me booking the fix, and I gave him my name and a reference number.
R: The speed was back the same evening, and he never asked for the manager again. {you know}, [1.1] he even rated the call five stars.
"""),
    Script("fam_refund_rules", "Tell me about a time you had to follow a rule you did not agree with.", kind="behavioral", text="""
S: {hmm} At an electronics shop, our rule was that opened headphones could not be returned, even if they were faulty.
A: {um} When a student brought back a pair that crackled on one side, I could not refund her, but I {sort of} looked for another way.
I checked the warranty and saw we could swap them for the same model on the spot. [1.4] {uh} I did that, and I wrote up the case for my manager.
R: She left happy. {I mean} the rule itself did not change, but my manager added faulty items as an exception a month later.
"""),
    Script("fam_long_queue", "Tell me about a time you worked under a lot of pressure.", kind="behavioral", text="""
S: During a storm last winter, our power company had {um} [0] around three thousand customers without electricity.
T: I was on the phones, and my job was to give people honest times for the repairs. [1.2]
A: {uh} The problem was that the repair times on our screen kept changing. So I asked the field team to send us an update every half hour.
I wrote the latest times on a shared board, <so that> all of us gave the same answer. [1.6]
{er} When a caller had a medical device at home, I passed their address to the priority list <right away>.
R: Our complaint rate that week was lower than during a normal outage, and two of the medical cases were reconnected first.
"""),
    Script("fam_feedback_peer", "Tell me about a time you gave difficult feedback to a peer.", kind="behavioral", text="""
S: {erm} A colleague on my team was closing tickets before customers had confirmed the fix.
T: {hmm} [1.3] It made his numbers look good, but our reopen rate was climbing, and it was hurting the whole team.
A: I asked him for ten minutes after our shift. {uh} I showed him three tickets that had come back to me, and I said I wanted to understand his side.
He told me he felt pressure from the closing target. {you know}, [0.9] that was fair. {um} So we went to our lead together and asked for the target to count confirmed fixes only.
R: The target was changed the next month, and his reopen rate dropped to the team average.
"""),
    # ------------------------------------------------------------ situational
    Script("fam_sit_wrong_item", "What would you do if a customer received the wrong item and needs it by tomorrow?", kind="situational", text="""
S: {um} So the customer has the wrong item, and they need the right one by tomorrow.
T: My aim would be to get the right item to them in time, {uh} without making them send anything back first.
A: I would first check whether a local store has it in stock. [1.2] If it does, I would reserve it and send them the pickup details <right away>.
{er} If not, I would book express delivery and ask <if they were okay> with a courier arriving before noon. [0.8]
{hmm} [1.5] I would also arrange a free return label for the wrong item, <so that> they do not have to pay anything.
R: The customer would have what they need on time, and {I mean} they would know we fixed it without a fight.
"""),
    Script("fam_sit_angry_social", "What would you do if a customer posted an angry complaint about us on social media?", kind="situational", text="""
S: {uh} Say a customer writes a long angry post about a delayed refund, and other people start replying.
T: I would want to move the conversation somewhere private and solve the actual refund quickly.
A: {um} First I would reply publicly with a short apology and ask them to send us a direct message. [1.3]
In the message I would check the refund status, and {like} give them a clear date instead of a vague promise.
{erm} If the refund was stuck, I would escalate it to finance the same day. [1.1] Then I would follow up in the thread <so that> others can see it was handled.
R: I would expect the customer to calm down once they have a date, and the public thread would show we take complaints seriously.
"""),
    Script("fam_sit_system_down", "How would you handle calls if our booking system went down?", kind="situational", text="""
S: {hmm} [1.2] If the booking system goes down, customers still call, and we cannot see their bookings.
T: {um} The goal would be to keep every caller informed and not lose any requests.
A: I would take their name, number and what they need on a simple sheet, and promise a callback within {uh} [0] two hours. [1.4]
I would also ask my lead for a short message about the outage, <so that> every agent says the same thing.
{er} Once the system is back, I would start the callbacks with the most urgent cases, {like} travel in the next two days.
R: Nobody would need to call twice, and we would have a list of every request to check against the system afterwards.
"""),
    Script("fam_sit_upset_elderly", "What would you do if an elderly caller was confused and getting upset?", kind="situational", text="""
S: {um} An older caller is confused by our new app and is getting more and more upset.
T: {I mean} the first aim is to calm them down, and the second is to get the task done, whatever it is.
A: I would slow down and use plain words, {uh} no app terms at all. [1.3] I would ask them to tell me what they see on the screen, one thing at a time.
{hmm} If it still does not work, I would offer to do it for them over the phone after checking their identity. [0.9]
I would also send a letter with the steps written out, <so that> they have it for next time. [1.7]
R: {er} They would leave the call with the task done and a bit more confidence, and hopefully they would not dread calling us again.
"""),
    Script("fam_sit_two_calls", "What would you do if two urgent customers needed you at the same moment?", kind="situational", text="""
S: {uh} Let us say I am on a call and a second urgent request comes in, {um} [0] for example a customer whose card was stolen.
T: I would need to protect the customer at risk without dropping the first one.
A: I would ask the first caller <if they were okay> with a short hold of about {er} [0] one minute, and explain why. [1.2]
Then I would block the stolen card <right away>, because that cannot wait. {hmm} [1.1] After that I would go back to the first caller and thank them for waiting.
R: Both customers would be looked after, and the stolen card would be stopped within a couple of minutes.
"""),
    # ------------------------------------------------------------ general
    Script("fam_why_this_role", "Why do you want this role?", kind="general", text="""
-: {um} <I like the moment> when a stressed customer realises the problem is actually solved. [1.3]
I have spent three years in support, and {you know}, I still enjoy that part the most.
{uh} Your company also sells things I use myself, <so that> I already know a lot of the questions customers ask.
{hmm} [1.4] And <customers like fast replies>, which is something I am good at without being rushed. {er} I want a team where that balance matters.
"""),
    Script("fam_strengths_team", "What do your colleagues say about you?", kind="general", text="""
-: {uh} They would probably say I am the calm one. [1.2] When the queue is long, I {kind of} keep the mood steady.
{um} They also say I write good notes. I try to leave every ticket <so that> the next person can pick it up without calling the customer again.
{er} And {literally} everyone knows I keep snacks in my drawer. [0.8] {I mean} that helps too.
"""),
    Script("fam_career_plans", "Where do you see yourself in a few years?", kind="general", text="""
-: {hmm} [1.5] Honestly, I would like to stay close to customers.
{um} In two or three years I would like to be a team lead, coaching new agents and helping with call reviews.
{uh} I enjoy training people. <I like the moment> when someone who was nervous takes their first hard call alone and does well. [1.3]
{erm} Further out, maybe quality or training full time, but I want to earn that by being good at the job first.
"""),
)



FAMILY_RATES = (1.0, 0.85, 1.15, 0.9, 1.25, 0.8, 1.05, 1.2)
FAMILY_CONDITIONS: tuple[tuple[float | None, float | None, str], ...] = (
    # (peak dBFS, or None for the quiet/breathy low-gain take; noise SNR or None; noise kind)
    (-6.0, None, "none"), (-12.0, 30.0, "pink"), (None, None, "none"), (-18.0, 20.0, "babble"),
    (-24.0, 25.0, "white"), (-9.0, 15.0, "pink"), (-30.0, None, "none"), (None, 30.0, "pink"),
    (-15.0, 20.0, "white"), (-20.0, 30.0, "babble"), (-6.0, 25.0, "pink"), (None, 20.0, "pink"),
    (-12.0, None, "none"), (-27.0, 30.0, "white"), (-9.0, 20.0, "babble"), (-18.0, None, "none"),
)


@dataclass(frozen=True)
class FamilyRender:
    """One rendering of a family script: family, voice, speed factor, level and noise."""

    script: Script
    family: str
    voice: str
    rate: float
    peak_dbfs: float | None
    quiet: bool
    noise_snr_db: float | None
    noise_kind: str
    lead_in_s: float
    tail_s: float
    seed: int

    @property
    def level_label(self) -> str:
        return "quiet" if self.quiet else f"peak{self.peak_dbfs:g}"

    @property
    def noise_label(self) -> str:
        return "none" if self.noise_snr_db is None else f"{self.noise_snr_db:g}dB"

    @property
    def level_group(self) -> str:
        """TARGETS' held-out set sits in the moderate levels; the quiet takes are harsher."""
        return "peak -6..-20" if not self.quiet and (self.peak_dbfs or 0) >= -20 else "peak -24..-30 or quiet"

    @property
    def file_stem(self) -> str:
        v = self.voice.replace("+", "_")
        return (f"{self.script.name}__{self.family}_{v}_x{self.rate:g}_{self.level_label}_{self.noise_label}_"
                f"{self.noise_kind}_s{self.seed}")


def family_plan(families: list[str], limit: int | None = None) -> list[FamilyRender]:
    """Every family script once per family; script i has the same rate, level, noise, timing and seed in each."""
    from voice_coach.testing.families import FAMILY_VOICES

    scripts = FAMILY_SCRIPTS[:limit] if limit else FAMILY_SCRIPTS
    out = []
    for fam in families:
        voices = FAMILY_VOICES[fam]
        for i, s in enumerate(scripts):
            peak, snr, kind = FAMILY_CONDITIONS[i % len(FAMILY_CONDITIONS)]
            out.append(FamilyRender(script=s, family=fam, voice=voices[i % len(voices)], rate=FAMILY_RATES[i % len(FAMILY_RATES)],
                                    peak_dbfs=peak, quiet=peak is None, noise_snr_db=snr, noise_kind=kind,
                                    lead_in_s=round(0.3 + (i * 0.37) % 2.2, 3), tail_s=round(0.6 + (i * 0.53) % 1.4, 3),
                                    seed=2000 + i))
    return out

# ---------------------------------------------------------------- how each script is rendered
VOICES = ("en-us", "en-gb", "en-gb-x-rp", "en-us+f3", "en+m3", "en-gb-scotland", "en-us+f2",
          "en-029", "en-gb+f4", "en-us-nyc", "en-us+m7", "en-gb-x-rp+f5")
RATES = (130, 145, 160, 175, 190, 200, 150, 165, 185, 140)
PITCHES = (50, 35, 65, 45, 70, 30, 55, 40)
NOISES: tuple[tuple[float | None, str], ...] = ((None, "none"), (30.0, "pink"), (20.0, "babble"), (30.0, "white"), (20.0, "pink"), (None, "none"))
NOISE_CHOICES = ("mixed", "none", "30", "20", "all")


def render_plan(noise: str = "mixed", limit: int | None = None) -> list[Render]:
    """Every script once with a voice, rate, pitch and noise chosen by its index (so the set is stable)."""
    scripts = SCRIPTS[:limit] if limit else SCRIPTS
    plan: list[Render] = []
    for i, script in enumerate(scripts):
        base = dict(script=script, voice=VOICES[i % len(VOICES)], rate_wpm=RATES[i % len(RATES)],
                    pitch=PITCHES[i % len(PITCHES)], lead_in_s=0.3 + (i * 0.37) % 2.2,
                    tail_s=0.6 + (i * 0.53) % 1.4, seed=1000 + i)
        if noise == "mixed":
            snr, kind = NOISES[i % len(NOISES)]
            plan.append(Render(noise_snr_db=snr, noise_kind=kind, **base))
            continue
        levels = {"none": [None], "30": [30.0], "20": [20.0], "all": [None, 30.0, 20.0]}[noise]
        for snr in levels:
            kind = "none" if snr is None else ("pink", "babble", "white")[i % 3]
            plan.append(Render(noise_snr_db=snr, noise_kind=kind, **base))
    return plan


# ---------------------------------------------------------------- real clips (read in place, never copied)
@dataclass(frozen=True)
class RealClip:
    path: Path
    transcript: str | None
    truth: str  # what can be scored on it


def real_clips() -> list[RealClip]:
    """The real recordings in shared/eval-real with the truth each one carries."""
    import json

    if not REAL_DIR.is_dir():
        return []
    clips: list[RealClip] = []
    for wav in sorted(REAL_DIR.glob("LJ*.wav")):
        txt = wav.with_suffix(".txt")
        clips.append(RealClip(wav, txt.read_text().strip() if txt.exists() else None, "transcript (WER)"))
    osr = REAL_DIR / "OSR_us_000_0034_8k.wav"
    if osr.exists():
        meta = json.loads((REAL_DIR / "OSR_us_000_0034_8k.test_samples.json").read_text())
        clips.append(RealClip(osr, meta[0]["transcription"], "transcript (WER), 8 kHz input"))
    crisp = REAL_DIR / "crisperwhisper_sample.wav"
    if crisp.exists():
        words = [w for _, _, w in crisper_vtt()]
        text = " ".join(w for w in words if not w.startswith("["))
        clips.append(RealClip(crisp, text, "verbatim words with [UH]/[UM] times (fillers), a 2.2 s pause"))
    rts = REAL_DIR / "realtimestt_asr_reference.wav"
    if rts.exists():
        meta = json.loads((REAL_DIR / "realtimestt_asr_reference.expected_sentences.json").read_text())
        clips.append(RealClip(rts, " ".join(u["text"] for u in meta["utterances"]), "sentences from large-v2 (approximate WER)"))
    jfk = REAL_DIR / "jfk.flac"
    if jfk.exists():
        clips.append(RealClip(jfk, None, "no transcript file: input-format check (44.1 kHz stereo FLAC)"))
    return clips


def crisper_vtt() -> list[tuple[float, float, str]]:
    """(start, end, word) from crisperwhisper_sample.vtt; fillers appear as [UH] / [UM]."""
    path = REAL_DIR / "crisperwhisper_sample.vtt"
    out: list[tuple[float, float, str]] = []
    lines = path.read_text().splitlines() if path.exists() else []
    for i, line in enumerate(lines):
        m = re.match(r"(\d+):(\d+):([\d.]+)\s*-->\s*(\d+):(\d+):([\d.]+)", line)
        if m and i + 1 < len(lines):
            h1, m1, s1, h2, m2, s2 = m.groups()
            out.append((int(h1) * 3600 + int(m1) * 60 + float(s1), int(h2) * 3600 + int(m2) * 60 + float(s2), lines[i + 1].strip()))
    return out
