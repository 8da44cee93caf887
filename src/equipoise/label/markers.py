"""Rule-based turn markers: a small documented vocabulary of what a turn does, found by phrase rules.

Each marker is a set of case-insensitive regular expressions, with examples that must match and
counter-examples that must not; ``tests/label/test_markers.py`` checks every one of them, and the table in
``docs/labeller.md`` is generated from :data:`MARKERS` by :func:`markers_table` (a test keeps them equal).
The rules are deliberately phrase-level and role-independent so that they transfer beyond MI role-plays
(crisis lines, peer support, coaching); they mark surface moves, not intentions.

>>> find_markers("Would it be okay if I shared some ideas? It's completely up to you.")
('question', 'permission', 'autonomy', 'hedge')
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from .sentences import restore

_I = r"(?:i|i'm|i've|i'd|i'll)"
#: Before "you need to", "you should" ...: the need is asked about, supposed, felt or reported, not urged
#: ("Is there anything you need to ...", "if you need to", "it feels like you need to", "you said you
#: might want to", "part of you might want to").
_NOT_URGED = (r"\b(?=you )(?<!anything )(?<!nothing )(?<!part of )(?<!would )(?<!like )(?<!said )"
              r"(?<!understand )(?<!feel )(?<!feels )"
              # "... if you need to." ends the clause; "if you need to relax, go for a walk" advises
              r"(?!(?<=if )you need to\s*(?:[.,;!?]|$))(?!(?<=when )you need to\s*(?:[.,;!?]|$))")
_TOGETHER = (r"\b(?=together\b)(?<!yourself )(?<!themselves )(?<!himself )(?<!herself )(?<!it )(?<!your act )"
             r"(?<!your life )\btogether\b")  # "pull yourself together" is no joint work


@dataclass(frozen=True)
class Marker:
    """One marker: name, what it means, the rules that find it, examples and counter-examples."""

    name: str
    description: str
    patterns: tuple[str, ...]
    examples: tuple[str, ...]
    counterexamples: tuple[str, ...]
    unless: tuple[str, ...] = ()

    def compiled(self) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
        found = re.compile("|".join(f"(?:{p})" for p in self.patterns))
        unless = re.compile("|".join(f"(?:{p})" for p in self.unless)) if self.unless else None
        return found, unless


#: Version of the marker and stance rules. Part of the labeller's version in every profile, because a
#: changed rule changes labels and so numbers; raise it with any change to a rule in this module or in
#: :mod:`equipoise.label.stance`. 2: suggestions and self-disclosure as support conversations phrase
#: them, and options offered as "... or ...; which would you prefer?". 3: pushback as "I don't think I",
#: "I don't want to ... yet", "I didn't like"; a bare "no" answering a closed question is not
#: disagreement (:func:`answers_closed_question`); imperatives after "then"/"and". 5: the stance's phrase
#: moves (:func:`equipoise.label.stance.stance_phrases`): support, affirmation, autonomy and permission in
#: other words, imperatives of any common verb, confronting and warning, as support conversations say them.
#: 6: the markers read text without fillers, word repeats or asides ("you need need to", "I, I think"), and
#: unpunctuated text as the utterances the boundary model finds; sympathy ("sorry to hear that") is no
#: apology, and "pull yourself together" no "we" language; no direction in kindness ("take your time",
#: "take care"), in a need asked about, felt or reported ("anything you need to", "if you need to", "part of
#: you might want to") or in a noun ("Sleep's better"); "I'd also recommend" is advice; a "no" opening an
#: answer to a closed question is no pushback unless the rest pushes back, and a "no" to a proposal
#: ("Would you like to ...?") is. 7: an unpunctuated turn's utterances end with a question mark where the
#: learned question model of :mod:`equipoise.label.sentences` reads a question, so the rules that read a
#: question mark (the ``question`` marker, a "no" to a proposal) work on speech-recogniser text. 8: one of
#: :data:`equipoise.label.sentences.OPENERS` ("great", "okay", "no" ...) may be an unpunctuated utterance
#: of its own, so "great it sounds like you have a plan" reads "Great. It sounds ..." (affirmation).
RULES_VERSION = "8"

MARKERS: tuple[Marker, ...] = (
    Marker(
        "question", "asks something: a question mark, or a clause opening like a question",
        (r"\?", r"(?:^|[.!]\s+)(?:so,?\s+|and\s+)?(?:what|how|why|where|when|who|which)\s+(?:do|does|"
         r"did|is|are|"
         r"was|were|would|could|can|will|have|has|made|makes|kind|sort|else|about|happens|brings)\b",
         r"(?:^|[.!]\s+)(?:do|does|did|are|is|have|has|can|could|would|will)\s+(?:you|it|that|this|they|he|"
         r"she|we|i)\b",
         r"\b(?:tell me (?:more|about)|i(?:'m| am) (?:wondering|curious) (?:what|how|why|if|whether))"),
        ("How are you feeling today?", "So what brings you here", "Tell me more about that.",
         "do you want to talk about it", "I'm curious what you make of that."),
        ("You feel stuck.", "That makes sense.", "I know how hard that is."),
    ),
    Marker(
        "permission", "asks permission before giving information, advice or moving on",
        (r"\b(?:is it|would it be|will it be|would that be)\s+(?:okay|ok|alright|all right|"
         r"fine)\s+(?:if|with you|"
         r"to (?:share|talk about|ask|go over|look at|discuss|give|spend|switch|change|move))\b",
         r"\b(?:may|can|could|might)\s+i\s+(?:share|tell|give|offer|suggest|ask|make|mention|add|"
         r"point out|bring up|show)\b",
         r"\b(?:do|would) you mind if\b", r"\bmind if i\b",
         r"\bwould you (?:like|want) (?:me to|to hear|some (?:information|ideas|suggestions|feedback)|"
         r"(?:an?|one|my) (?:idea|suggestion|tip|thought)s?)\b",
         r"\b(?:are|would) you (?:be )?(?:interested in|open to) (?:hearing|some|a few|learning)\b",
         r"\bwith your permission\b", r"\bwould it help if i\b", r"\bif (?:that's|it's) (?:okay|ok|"
         r"alright) with you\b"),
        ("Is it okay if I share what other people have found helpful?", "Can I offer a suggestion?",
         "Would you like some information about that?", "Do you mind if we look at this form?",
         "Would you be open to hearing a few ideas?", "Would you like an idea?"),
        ("Is it okay to feel this way?", "I can tell you're upset.", "Would you like to quit?",
         "Are you okay?"),
    ),
    Marker(
        "autonomy", "emphasises that the choice and control belong to the other person",
        (r"\b(?:it's|it is|that's|that is|this is)\s+(?:really |entirely |totally |completely |all )?"
         r"(?:up to you|your (?:choice|decision|call|life))\b",
         r"\byou(?:'re| are) the (?:expert|one who (?:decides|knows|gets to))\b",
         r"\b(?:only you|you) (?:can|get to|will) (?:decide|choose)\b", r"\byou decide\b",
         r"\bwhatever you (?:decide|choose)\b", r"\b(?:no one|nobody) can (?:make|force) you\b",
         r"\byou don't have to (?:decide|do anything|change|talk about|answer)\b",
         r"\b(?:when|if) you(?:'re| are| feel) ready\b", r"\bin your own (?:time|way)\b",
         r"\byou know (?:yourself|best|what's best)\b", r"\byour own (?:decision|choice)\b",
         # Handing the choice over in a question: "What do you think would be best?", "What would you rather?"
         r"\bwhat do you think (?:would be|is|might be) (?:the )?(?:best|right)\b",
         r"\bwhat would you (?:rather|prefer)\b",
         r"\bwhat feels (?:right|best|most important) (?:to|for) you\b",
         r"\b(?:at|in) your (?:own )?pace\b"),
        ("It's completely up to you.", "You're the expert on your own life.", "Only you can decide that.",
         "You don't have to decide anything today.", "We can talk about it when you feel ready.",
         "What do you think would be the best use of tonight?", "What would you rather start with?",
         "What feels right to you?", "at your pace"),
        ("It's up to me to fix this.", "You need to decide now.", "I know what's best for you.",
         "What do you think about that?", "What would you do differently?"),
    ),
    Marker(
        "affirmation", "recognises the person's strengths, efforts or values",
        (r"\b(?:that's|that is|that was|it's|it is|this is) (?:a |an |really |so |very )*(?:great|"
         r"wonderful|impressive|amazing|fantastic|brave|courageous|big (?:step|achievement|deal)|"
         r"huge (?:step|achievement)|real achievement|admirable)\b",
         r"\b(?:well done|great job|nice job|good job|good for you|nice work|great work)\b",
         r"(?:^|[.!?]\s+)(?:good|great|excellent|wonderful|fantastic|awesome)\s*(?:[.!]|$)",
         r"\b(?:takes|took) (?:a lot of |real |so much )?(?:courage|strength|guts)\b",
         r"\byou(?:'re| are) doing (?:so |really |very )?(?:amazing|great|well|brilliantly|"
         r"a great job)\b", r"\bi (?:really )?(?:admire|"
         r"respect) (?:you|"
         r"how|that)\b",
         r"\byou(?:'ve| have) (?:already )?(?:done|worked|managed|achieved|accomplished|come|made) (?:so |"
         r"really |a )*(?:well|hard|a lot|far|great|progress|real)\b",
         r"\byou(?:'re| are) (?:clearly |really |very |obviously |such |a )*(?:strong|resourceful|determined|"
         r"committed|"
         r"resilient|brave|capable|a (?:caring|good|loving))\b",
         r"\b(?:thank you|thanks) for (?:sharing|being (?:so )?(?:honest|open)|telling me|trusting)\b",
         r"\byou should be proud\b", r"\bi (?:really )?appreciate (?:you|how|that|"
         r"your)\b", r"\byou (?:really |clearly |obviously |truly )*care (?:a lot |"
         r"so much |deeply )?about\b"),
        ("That's a big step.", "Good for you!", "It takes courage to talk about this.",
         "You've worked really hard on this.", "Thank you for being so honest with me.",
         "You clearly care about your kids."),
        ("Good morning.", "That's a problem.", "You have to work harder.", "I'm good, thanks."),
        unless=(r"\bnot (?:that |very |so )?(?:great|good)\b",),
    ),
    Marker(
        "advice", "recommends what the other person should do",
        (_NOT_URGED + r"\byou (?:really |definitely |probably |just )?"
         r"(?:should|ought to|need to|have to|must|"
         r"might want to|may want to|could try|might try|had better|'d better)\b",
         r"\byou'd better\b",
         r"\b(?:i|we|i'd|we'd|i would|we would|i'll|we'll) (?:(?:strongly|really|would|do|also|just|"
         r"definitely|certainly|still) )*(?:be )?(?:suggest|recommend|advise|urge)(?:ing)?\b",
         r"\b(?:i|we|i'd|we'd|i would|we would) (?:strongly |really |would |do |also )?encourage you\b",
         r"\b(?:i'm|i am|we're|we are) (?:gonna|going to) (?:recommend|suggest|advise)\b",
         r"\b(?:a|one|the) (?:good|better|best) (?:option|idea|thing|step) (?:would be|is|might be) to\b",
         r"\byou can (?:try|avoid|start by)\b", r"\b(?:you|they|it|this|that|drinking|"
         r"smoking) (?:really )?(?:need|needs) to (?:stop|quit|cut)\b",
         r"\bmy (?:advice|suggestion|recommendation)\b", r"\bwhy (?:don't|not) you\b", r"\bif i were you\b",
         r"\bthe best (?:thing|way|option) (?:to do |for you )?(?:is|would be)\b",
         r"\bit(?:'s| is| would be) (?:really |very )?(?:important|better|best|a good idea|"
         r"wise) (?:for you |that "
         r"you |to )",
         r"\bwhat (?:you need (?:to|is)|you should|i'd do)\b", r"\bmake sure (?:you|to)\b",
         # "try to" urged, not described ("if you try to", "we try to notice")
         r"(?<!you )(?<!we )(?<!they )(?<!i )(?<!people )\btry (?:to|and|not)\b",
         r"(?:^|[.!?]\s+)(?:(?:maybe|perhaps|just|so),?\s+)*try (?:a|an|some|it|this|that|doing|going|"
         r"talking)\b",
         # Suggestions as support conversations phrase them ("it might help to ...", "you could call ...").
         r"\bit (?:might|may|could|would|can) (?:really |also )?help (?:you )?(?:to |if you )",
         r"\byou (?:could|might|may) (?:also |always )?(?:try|consider|reach out|call|talk to|speak to|"
         r"write|look into|join|ask (?:for|someone|a|your)|sign up|book)\b"),
        ("You should cut down on drinking.", "I'd suggest writing it down each night.",
         "I'd also be recommending a phased return.",
         "Why don't you call your sister?", "It's important to take your medication every day.",
         "If I were you, I'd leave.", "You might want to talk to your doctor.",
         "We strongly recommend that people finish the whole course.", "One good option would be to walk.",
         "It might help to write down your thoughts.", "You could reach out to a friend you trust."),
        ("Should I go?", "I need to stop.", "What do you think you could do?", "You said you tried that.",
         "It might help me to understand a bit more.", "You could see it that way."),
        unless=(r"^\s*(?:do|did|should|would|could) i\b", r"\byou should be (?:proud|pleased)\b"),
    ),
    Marker(
        "directive", "orders or instructs: an imperative, or 'I want you to', 'you have to'",
        (r"(?:^|[.!?:;]\s+|whatever you do,?\s+)(?:(?:so|now|okay|ok|well|just|please|then|and),?\s+)*"
         r"(?:stop|quit|don't|do not|go|get|take|buy|set|tell|ask|turn|limit|switch|book|throw out|"
         r"call|cut|start|put|throw|give up|make|avoid|remember|write|keep|listen|drink|eat|sleep|leave|"
         r"pour|use|never|always)\b(?! (?:me|on|ahead)\b)"
         # kindness, not instruction: "take your time", "take care", "keep going", "don't worry"
         r"(?!(?<=take) (?:your time|care|it easy)\b)(?!(?<=keep) going\b)(?!(?<=don't) worry\b)"
         # a noun ("Sleep's better", "Drink was the problem") or a dropped "I" ("Don't wanna go back")
         r"(?!'|\s*\?|\s+(?:is|was|has|had|isn't|wasn't|seems|feels|gets)\b)"
         r"(?<!don't(?= (?:wanna|know|like|care|mind)\b))",
         r"\bi (?:want|need|expect) you to\b", r"\bi(?:'d| would) like you to\b",
         _NOT_URGED + r"\byou (?:have to|"
         r"must|need to|are going to have to)\b",
         r"\byou(?:'re| are) (?:going to|gonna) have to\b", r"\byou can't (?:keep|go on|continue)\b"),
        ("Stop drinking before it kills you.", "Just call them tomorrow.", "I want you to write it down.",
         "You have to take the pills.", "Don't go back to him.", "You can't keep doing this.",
         "Then buy an alarm clock."),
        ("Go on.", "Let's take a look together.", "I had to stop.", "You don't have to decide now.",
         "Sleep's better.", "Drink was the problem.", "Don't wanna go back there.",
         "Thanks for today. Take care going home.", "There isn't anything you need to do with it."),
        unless=(r"\byou don't have to\b",),
    ),
    Marker(
        "confront", "confronts, labels, warns or argues against what the person says",
        (r"\byou(?:'re| are) (?:just |only |clearly |obviously )?(?:in denial|making excuses|"
         r"kidding yourself|"
         r"fooling yourself|lying(?! (?:there|awake|in|on|down|still|back)\b)|"
         r"an alcoholic|an addict|wrong|being (?:ridiculous|unreasonable|stubborn))\b",
         r"\b(?:that's|that is|it's) (?:just |only )?(?:an excuse|not true|nonsense|ridiculous|denial)\b",
         r"\b(?=face )(?<!able to )(?<!n't )(?<!not )face (?:it|the facts|reality)\b",
         r"\b(?:be honest with yourself|admit (?:it|that you))\b",
         r"\byou(?:'ve got| have got| have| got) (?:a (?:serious |real |drinking |"
         r"big )?problem)\b", r"\bcome on\b(?! (?:in|over|through|back|up|down)\b)",
         r"\bhow (?:can|could) you (?:say|think|not|do)\b", r"\byou know (?:full well|perfectly well)\b",
         r"\byou(?:'re| are| will|'ll) (?:going to |gonna )?(?:end up|die|kill yourself|lose (?:your|"
         r"everything))\b",
         r"\b(?:do|did) you (?:really|honestly|seriously) (?:think|believe|expect)\b",
         r"\bif you (?:don't|keep|continue)\b.*\byou(?:'ll| will| are going to| could)\b(?! be able)"),
        ("You're just making excuses.", "That's not true and you know it.", "Face it, you have a problem.",
         "If you keep drinking like this you'll lose your job.", "Do you really think that will work?"),
        ("I'm wondering what you make of the results.", "That's true for a lot of people.",
         "You're doing great.", "If you want, we could look at it.",
         "The beds went to seed while you were not able to face it."),
    ),
    Marker(
        "self_disclosure", "shares something personal about oneself: own feelings, history, family, habits",
        (rf"\b{_I} (?:really |also |too |still |once |personally |sometimes |never )*(?:was|were|had|felt|"
         r"struggled|went through|used to|grew up|lost|remember when|drank|smoked|quit|tried|divorced|got "
         r"(?:divorced|sober|fired|sick)|have been (?:through|there|sober|depressed|struggling)|"
         r"been there)\b",
         rf"\b{_I} (?:am |'m )?(?:so |really |very |pretty |kind of |always |sometimes )*(?:scared|"
         r"afraid (?:of|to|all|that i)|sad|"
         r"angry|worried|lonely|depressed|anxious|tired|exhausted|ashamed|frustrated|overwhelmed|happy|hurt|"
         r"stressed|addicted|dreading|useless|stupid|boring|worthless|a failure|a bad (?:mom|dad|parent)|"
         r"(?:so |all )?alone)\b",
         r"\bi (?:just |really |still |always |sometimes |never |kind of )*(?:feel|felt|hate|love|miss|drink|"
         r"smoke|struggle|worry|can't stop|cried|cry|panic|panicked|shake|shook|froze|freeze)\b",
         # What happened to the speaker, told in the first person: "I went to my room", "I got a bad mark".
         r"\bi (?:just |then |always |never |even )*(?:went (?:to|home|back|out)|got (?:a|fired|drunk|home|"
         r"hurt|scared|sick|into)|called (?:my|a|the)|lost (?:my|it)|broke (?:up|down)|ended up|started "
         r"(?:thinking|crying|drinking|shaking)|keep (?:thinking|replaying|crying|waking|remembering|seeing)|"
         r"lie (?:there|awake)|lay awake|couldn't (?:sleep|breathe|stop|eat)|(?:haven't|havent) (?:eaten|"
         r"slept|been out|told anyone))\b",
         rf"\b{_I} (?:have |'ve )?never (?:said|told|felt|been|had)\b",
         r"\bmy (?:chest|heart|head|stomach|hands|voice|body|mind) (?:went|goes|was|is|gets|got|starts|"
         r"started|races|raced|pounds|pounded|shakes|shook)\b",
         r"\bmy (?:own |ex-?)?(?:wife|husband|partner|boyfriend|girlfriend|kids|children|son|daughter|mother|"
         r"mom|mum|father|dad|family|brother|sister|parents|marriage|drinking|health|childhood|life)\b",
         r"\bwhen i was (?:a |younger|little|your age|"
         r"in)\b", r"\bme too\b", r"\bin my (?:own )?experience\b",
         # Peer-support phrasings: "I've been in a similar situation", "what helped me was ...".
         rf"\b{_I} (?:also |too )?(?:have |'ve )?been in (?:a |the )?(?:similar|same) (?:situation|place|"
         r"position|boat|spot)\b",
         r"\b(?:what|something|one thing|the thing) (?:that )?(?:really )?(?:helped|worked for|helps|"
         r"works for) me\b(?! (?:understand|see|get|follow))"),
        ("I was scared all the time after the divorce.", "My mom drank too.", "I've been there myself.",
         "When I was your age I felt the same.", "I feel so alone lately.", "I smoke when I'm stressed.",
         "I have been in a similar situation before.", "One thing that helped me was going for walks.",
         "I got a bad mark and I just felt like I'm useless.", "My chest went tight.",
         "I went to my room and looked at the razor.", "I panic in meetings.",
         "I've never said that out loud before.", "I'm dreading it.", "They'll think I'm boring.",
         "I keep replaying the last month.", "i havent eaten since yesterday", "I cried all the way home."),
        ("I think we should look at that.", "I wonder what you make of it.", "I'm hearing that you're tired.",
         "I want to make sure I understand.", "Your family sounds important.",
         "That helped me understand what you meant.", "What helped me see it was your example.",
         "It's school policy, I'm afraid.", "I'm afraid we're out of time.",
         "I had the homework review and the work situation on the list.",
         "I went over the notes from last week.",
         "I got the sense you were tired of it."),
        unless=(r"^\s*(?:i feel like you|i felt like you)\b",
                r"^\s*i had (?:the|your|some|a few) (?:homework|agenda|review|notes|plan|list|questions?|"
                r"idea)\b"),
    ),
    Marker(
        "we", "'we' language: we, us, our, let's, together",
        (r"\b(?:we|we're|we've|we'll|we'd|let's|let us|us|our|ours|ourselves)\b", _TOGETHER),
        ("Let's look at this together.", "What could we try next?", "Our time is nearly up."),
        ("You and your husband.", "They said no.", "Weekends are hard.", "Pull yourself together."),
    ),
    Marker(
        "hedge", "softens a claim: maybe, perhaps, might, I wonder, kind of, it seems",
        (r"\b(?:maybe|perhaps|possibly|probably|might|i wonder|i'm wondering|i guess|i suppose|kind of|"
         r"sort of|"
         r"seems|it sounds like|a (?:little )?bit|somewhat|not sure|i think|could be|in a way|a little|"
         r"completely up|i'm not certain)\b",),
        ("Maybe we could try that.", "It sounds like you're exhausted.", "I wonder if that's part of it.",
         "I guess it's kind of scary."),
        ("You are exhausted.", "Do it now.", "That is the answer."),
    ),
    Marker(
        "disagreement", "pushes back, refuses or contradicts the other person",
        (r"^\s*(?:no|nope|nah)\b(?![- ](?:one|thing|problem|matter|worries|doubt))",
         r"\b(?:i (?:don't|do not) (?:agree|think so|buy (?:it|that))|i disagree)\b",
         r"\b(?:that's|that is|it's) not (?:true|right|what i (?:said|meant)|how it|the (?:problem|point|"
         r"issue))\b",
         r"^\s*(?:yeah|yes|well|okay|ok|sure),? but\b", r"\bnot really\b",
         r"\byou (?:don't|do not) (?:understand|get it|know (?:me|what))\b",
         r"\bi(?:'m| am) not (?:going to|gonna)\b", r"\bi won't\b", r"\bthat (?:won't|will not|"
         r"doesn't) work\b",
         r"\bi'm not (?:an alcoholic|an addict|the problem)\b",
         # Pushback as clients phrase it: "I don't think I ...", "I don't want to do that (yet)",
         # "I didn't like the worksheets", "I'm not ready", "that's not for me", "I'd rather not".
         r"\bi (?:don't|do not) think (?:i|that's|that is|it's|it is|this is)\b",
         r"\bi (?:don't|do not) (?:want|wanna) to (?:do|try|talk about|go|stop|quit|change|cut)\b",
         r"\bi (?:didn't|did not|don't|do not) (?:like|enjoy|find (?:it|them|that) (?:helpful|useful))\b",
         r"\bi(?:'m| am) not (?:ready|interested|willing|convinced|doing)\b", r"\bnot for me\b",
         r"\bi(?:'d| would) rather not\b", r"\bthat(?:'s| is| was) not (?:helpful|useful|fair)\b"),
        ("No, that's not what I said.", "Yeah, but I only drink on weekends.", "You don't understand me.",
         "I'm not going to stop.", "I don't think so.", "I don't think I can do that.",
         "I don't want to do that yet.", "I didn't like the worksheets."),
        ("No problem.", "Yes, I agree.", "I'm not sure.", "That's true.", "I don't want to lose my kids."),
    ),
    Marker(
        "options", "offers a menu of options or ideas rather than one answer",
        (r"\b(?:options|choices|alternatives|possibilities)\b",
         r"\b(?:one|another|other) (?:option|choice|possibility|alternative|idea)\b",
         r"\bsome (?:people|folks|clients) (?:find|try|choose|decide|prefer|like|have found)\b",
         r"\b(?:a (?:few|couple of|number of)|several|different|various) (?:ways|things|ideas|approaches|"
         r"strategies|routes|places)\b(?! (?:about|in|that happened))",
         r"\byou could (?:either|also)\b", r"\beither\b.*\bor\b", r"\bwhich (?:of these|one|option)\b",
         r"\bor\b[^.?!]*[.;,]?\s*which (?:would you prefer|do you prefer|would you like|sounds (?:better|"
         r"best|right))\b",
         r"\bor would you (?:rather|prefer)\b",
         r"\b(?:do|would) you (?:want|like|prefer) to\b[^.?!]*,? or (?:(?:just |maybe |rather )?"
         r"(?:focus|talk|look|start|leave|do|go|work|keep|try|spend|stay))\b"),
        ("There are a few options.", "Some people find that walking helps; others prefer journaling.",
         "You could either cut down or stop completely.", "Which of these appeals to you?",
         "We could meet weekly or every other week; which would you prefer?",
         "Do you want to talk about the course, or focus on getting through tomorrow first?",
         "Would it help to look at that, or would you rather start somewhere else?"),
        ("You should stop.", "I have no idea.", "One day at a time.", "Did you go to work or stay home?",
         "Do you want to stop drinking?"),
    ),
    Marker(
        "collaboration", "seeks collaboration: works together, hands the agenda or the ideas to the person",
        (_TOGETHER, r"\blet's (?:figure|work|think|look|talk|put|find|plan|decide)\b",
         r"\b(?:what|how) would you like to (?:focus|talk|work|do|use|cover|start|spend|go)\b",
         r"\bwhat ideas do you have\b", r"\bwhat (?:might|would|could) (?:work|"
         r"help) (?:best )?(?:for you)?\b",
         r"\b(?:at|in) (?:your own|whatever) pace\b", r"\bwhatever pace\b",
         r"\bwhat (?:would|do) you want to (?:focus|talk|work)\b"),
        ("Let's figure out the next step together.", "What would you like to focus on today?",
         "What ideas do you have about that?", "We can go at your own pace."),
        ("Let's be clear: you need to stop.", "What would you like to drink?", "I'll do it myself.",
         "You need to get it together."),
    ),
    Marker(
        "feedback_request", "asks for the other person's view of what was just said or proposed",
        (r"\bwhat do you (?:think|make of|reckon)\b", r"\bhow does (?:that|this) (?:sound|feel|fit|seem)\b",
         r"\bdoes (?:that|this|any of that) (?:make sense|fit|sound|seem|resonate|ring)\b",
         r"\b(?:what are|any) (?:your )?thoughts\b", r"\b(?:am i|did i get) (?:getting )?(?:that|it) right\b",
         r"\bhow do you feel about (?:that|this|what|the)\b", r"\bwhat's your (?:take|sense|view)\b"),
        ("What do you think about that?", "How does that sound to you?", "Does that make sense?",
         "Did I get that right?"),
        ("I think that's right.", "That sounds hard.", "What do you do for work?"),
    ),
    Marker(
        "apology", "apologises",
        # "I'm sorry to hear that" is sympathy (MISC's Support), not an apology.
        (r"\b(?:sorry(?! (?:to hear|for (?:your|the) loss|for what you|about your|(?:that|this) happened|"
         r"you\b|you're\b))|i apologi[sz]e|my apologies|i didn't mean to|forgive me)\b",),
        ("Sorry, I interrupted you.", "I apologise for being late.", "I didn't mean to upset you.",
         "Sorry about that, I lost track of time."),
        ("I'm not sorry.", "That's a sorry state.", "I'm so sorry to hear that.", "I'm sorry you're going "
         "through this.", "Sorry for your loss."),
        unless=(r"\bnot sorry\b", r"\bsorry (?:state|excuse)\b"),
    ),
)

MARKER_NAMES: tuple[str, ...] = tuple(m.name for m in MARKERS)
_COMPILED = tuple((m.name, *m.compiled()) for m in MARKERS)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})
# Chat spellings seen in text-based support services, mapped to the forms the rules are written against.
_CHAT = {"u": "you", "ur": "you're", "r": "are", "im": "i'm", "ive": "i've", "dont": "don't", "cant": "can't",
         "wont": "won't", "youre": "you're", "thats": "that's", "lets": "let's", "idk": "i don't know",
         "pls": "please", "plz": "please"}
_CHAT_WORD = re.compile(r"\b(?:" + "|".join(_CHAT) + r")\b")
# Disfluencies, which a speech recogniser or a careful transcriber writes and which would break a phrase.
_FILLER = re.compile(r"\b(?:um+|uh+|erm|er|hmm+)\b[,.]?\s*")
_ASIDE = re.compile(r",\s*(?:you know|i mean)\s*,")
_REPEAT = re.compile(r"\b([a-z']+)(?:(?:,|-)?\s+\1\b)+")


def normalise(text: str) -> str:
    """Lower case, straight apostrophes, common chat spellings spelled out, no fillers ("um", "uh"), no
    immediate word repeats ("you need need to", "I, I think") and no "you know" or "I mean" set off by
    commas, single spaces: the form every rule is written against.

    >>> normalise("Ur  doing GREAT, u know")
    "you're doing great, you know"
    >>> normalise("Um, I I think you, you know, should should try it")
    'i think you, should try it'
    """
    low = text.translate(_APOSTROPHES).lower()
    low = _CHAT_WORD.sub(lambda m: _CHAT[m.group(0)], low)
    low = _REPEAT.sub(r"\1", _ASIDE.sub(",", _FILLER.sub("", low)))
    return " ".join(low.split())


@lru_cache(maxsize=4096)
def find_markers(text: str) -> tuple[str, ...]:
    """The markers found in one turn, in vocabulary order. Cached: the labeller's cue features and its
    markers both read a turn's markers (about 7% of labelling time when each found them again).

    >>> find_markers("Let's see. You should stop.")
    ('advice', 'we')
    """
    # An unpunctuated turn is read as its utterances, each ended as the question model reads it (rules 7),
    # so the rules written for a sentence's opening ("Do you ...", "Good.") or its question mark also work
    # on speech-recogniser text; a punctuated text comes back as it is.
    return tuple(_found_in(normalise(restore(text))))


def rules_find(name: str, text: str) -> bool:
    """Whether one marker's rules find it in ``text`` read as it is, without the utterances of an
    unpunctuated turn or their restored punctuation (what the question model is compared with).

    >>> rules_find("question", "do you drink"), rules_find("question", "you drink")
    (True, False)
    """
    return name in _found_in(normalise(text), only=name)


def _found_in(low: str, only: str | None = None) -> Iterator[str]:
    """The markers whose rules match the normal form ``low`` (``only``: that marker's rules alone)."""
    for name, found, unless in _COMPILED:
        if (only is None or name == only) and found.search(low) and not (
                unless is not None and unless.search(low)):
            yield name


_NO_OPENING = re.compile(r"^(?:(?:no|nope|nah|not really)\b[\s,.!-]*)+")
_CLOSED_OPENING = re.compile(r"(?:^|[.!?]\s+)(?:(?:so|and|okay|ok|well|now|but|um|uh),?\s+)*(?:do|does|did|"
                             r"are|is|was|were|have|has|had|can|could|would|will|should|shall|may|might|"
                             r"any|anything|how (?:many|much|often|long|old))\b[^.?!]*\??\s*$")
#: A closed question that proposes something ("Would you like to ...?", "Shall we ...?"): "no" declines it.
_PROPOSAL = re.compile(r"(?:^|[.!?]\s+)(?:(?:so|and|okay|ok|well|now|but),?\s+)*(?:would you (?:like|want|be "
                       r"(?:willing|up for|open))|shall (?:i|we)|should (?:i|we)|can (?:i|we)|could (?:i|we)|"
                       r"could you (?:try|start)|will you (?:try|do)|do you want (?:me|to try)|how about|"
                       r"why (?:don't|not))\b[^.?!]*\??\s*$")


def answers_closed_question(text: str, previous: str) -> bool:
    """True when ``text`` opens with "no" (or "not really") and ``previous``, the other speaker's turn just
    before, ends in a closed question ("Do you ...?", "Any ...?", "How many ...?") that proposes nothing:
    then "no" answers it and is not pushback, unless the rest of ``text`` pushes back in other words.
    A "no" to a proposal ("Would you like to try ...?", "Shall we ...?") declines it (rules 6).

    >>> answers_closed_question("No.", "Did you drink last night?")
    True
    >>> answers_closed_question("No. Not since the winter.", "Have you had any thoughts of ending your life?")
    True
    >>> answers_closed_question("No. I don't want to do that.", "Have you tried the diary?")
    False
    >>> answers_closed_question("No.", "Would you like to try the diary this week?")
    False
    >>> answers_closed_question("No.", "You should stop drinking.")
    False
    """
    low, asked = normalise(text), normalise(restore(previous))
    opening = _NO_OPENING.match(low)
    if not opening or not _CLOSED_OPENING.search(asked) or _PROPOSAL.search(asked):
        return False
    rest = low[opening.end():]
    return not rest.strip() or "disagreement" not in find_markers(rest)


def markers_table() -> str:
    """The marker vocabulary as a Markdown table (name, meaning, one example, one counter-example)."""
    lines = ["| marker | what it marks | matches | does not match |", "|---|---|---|---|"]
    for m in MARKERS:
        lines.append(f"| `{m.name}` | {m.description} | {' / '.join(m.examples[:2])} "
                     f"| {' / '.join(m.counterexamples[:2])} |")
    return "\n".join(lines)
