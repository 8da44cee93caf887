"""Therapist stance (directive | collaborative | neutral), derived transparently from markers and phrases.

A documented rule over the rule-based markers of the turn, its phrase moves (:func:`stance_phrases`, rules
5) and the learned ``input_type``, following the MI-adherent / MI-non-adherent split of MITI 4 and MISC:

1. ``confront`` marker, or a confronting or warning phrase → **directive** (confronting, labelling,
   arguing, warning are non-adherent whatever else is said).
2. advice or instruction (marker ``advice`` or ``directive``, an imperative or advice-as-question phrase,
   or learned ``input_type == "advice"``): **collaborative** when permission was asked (``permission`` in
   this turn or in the same therapist's previous turn) or autonomy or options are offered in this turn
   (markers, or an adherent phrase such as "if you're open to it", "no pressure"); **directive**
   otherwise (advice without permission, directing).
3. otherwise **collaborative** for MI-adherent moves: ``permission``, ``autonomy``, ``affirmation``,
   ``options``, ``feedback_request``, ``collaboration`` markers, learned ``input_type`` ``options`` or
   ``negotiation`` (offering choices, agreeing an agenda together), or a phrase of MISC's Support
   (sympathy, compassion, understanding), Affirm or autonomy and collaboration in other words (a turn
   the heads call a question keeps only the last two: "I'm sorry to hear that. How long ...?" asks);
4. otherwise **neutral** (plain questions, reflections, information, small talk).

The phrases (rules 5) were written for peer-support conversations, where a hand-labelled hold-out of
real-style sentences showed support and affirmation read as neutral and imperatives of verbs outside the
``directive`` marker's list read as neutral (docs/labeller.md, *Stance*). They feed the stance only:
the learned heads' features (the markers) are unchanged.

>>> derive_stance(("advice",), "input", "advice", previous_permission=False)
'directive'
>>> derive_stance(("advice",), "input", "advice", previous_permission=True)
'collaborative'
>>> derive_stance(("question",), "question", None, previous_permission=False)
'neutral'
>>> derive_stance((), "other", None, previous_permission=False, phrases=stance_phrases("I'm so sorry."))
'collaborative'
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import lru_cache

from .features import normalise
from .labels import Stance

STANCE_CLASSES: tuple[Stance, ...] = ("directive", "collaborative", "neutral")
_SOFTENERS = frozenset({"permission", "autonomy", "options"})
_ADHERENT = frozenset({"permission", "autonomy", "affirmation", "options", "feedback_request",
                       "collaboration"})


#: Phrase rules of the stance (rules 5), read from the turn's words beside the markers, after MISC's codes
#: (Miller et al. 2003) as support conversations phrase them. They feed the stance only, not the learned
#: heads' features. Each pattern has examples and counter-examples in :func:`stance_phrases` and the tests.
_I = re.IGNORECASE
#: MISC "Support": sympathetic, compassionate or understanding comments that side with the person. Not a
#: reflection of the person's words ("It sounds like the nights are the hardest" stays neutral).
_SUPPORT = re.compile(
    r"\b(?:"
    r"(?:i'?m|i\s+am|im)\s+(?:so|really|very|truly|deeply|terribly|just)\s+sorry\b(?!\s+(?:i|i'?m|for\s+(?:being|the\s+delay|"
    r"interrupting|asking)|to\s+(?:interrupt|ask|bother|keep)))|"
    r"^\W*sorry(?:\s+(?:mate|hun|love|friend|pal|man))?\W+(?:that'?s|thats|it'?s|its)\b|"
    r"sorry\s+(?:to\s+hear|for\s+(?:your|the)\s+loss|(?:that|this|it)\s+happened|(?:you|u)(?:'re|\s+are|r|'ve|\s+have|\s+had|"
    r"\s+went|\s+feel)|about\s+(?:that|this|your|what|everything))|"
    r"(?:that|this|it)(?:'s|s|\s+is|\s+must\s+(?:be|have\s+been|feel)|\s+sounds|\s+seems)\s+(?:so\s+|really\s+|incredibly\s+|"
    r"very\s+|truly\s+|absolutely\s+|such\s+an?\s+)?(?:hard|tough|difficult|painful|awful|horrible|terrible|exhausting|"
    r"scary|frightening|lonely|overwhelming|stressful|rough|heartbreaking|upsetting|draining|heavy|brutal|gutting|"
    r"rubbish|crap|shit|unfair|cruel)\b(?!\s+(?:to\s+(?:say|know|tell|judge)|(?:part|bit|thing|question)))|"
    r"(?:i'?m|i\s+am|im)\s+(?:here\s+(?:for\s+you|with\s+you|if\s+(?:you|u)|to\s+(?:listen|talk))|"
    r"(?:always\s+)?(?:happy|glad)\s+to\s+listen)|"
    r"you(?:'re|\s+are|r)\s+not\s+alone|"
    r"(?:it|that)(?:'s|s|\s+is)\s+(?:completely\s+|totally\s+|perfectly\s+|so\s+|very\s+|really\s+)?(?:understandable|"
    r"natural|normal\s+to\s+feel)|"
    r"makes?\s+(?:total\s+|complete\s+|perfect\s+|so\s+much\s+)?sense\s+(?:that\s+)?(?:you|u)(?:'d|\s+would|'re|\s+are|\s+feel)|"
    r"(?:your|those|these|the)\s+feelings\s+(?:are|make)\s+(?:completely\s+|totally\s+|so\s+)?(?:valid|sense)|"
    r"no\s+wonder\s+(?:you|u)\b|anyone\s+(?:would|in\s+your\s+(?:position|shoes|situation|place)\s+would)\s+"
    r"(?:feel|be|struggle|find)|i\s+(?:can\s+(?:only\s+)?|can'?t\s+(?:even\s+)?)imagine\s+(?:how|what)|"
    r"i\s+know\s+how\s+(?:much\s+|hard\s+|painful\s+)?(?:it|that|this)\s+(?:hurts|feels|is)|"
    r"(?:sending|big|virtual)\s+(?:you\s+)?(?:(?:a|an|some|lots\s+of)\s+)?(?:\w+\s+)?(?:hugs?|love|strength)\b|"
    r"(?:thinking\s+of|praying\s+for)\s+(?:you|u)\b|"
    r"(?:you'?re|you\s+are|ur|u\s+r)\s+(?:not|never)\s+(?:a\s+burden|being\s+a\s+burden|weak|stupid|crazy|"
    r"overreacting|a\s+failure|broken)|(?:it'?s|its|it\s+is|that'?s|thats|that\s+is)\s+(?:not|never)\s+(?:your|ur)\s+"
    r"fault|(?:you|u)\s+(?:didn'?t|didnt|don'?t|dont|do\s+not|did\s+not)\s+deserve|"
    r"(?:would\s+have|would'?ve|wouldve)\s+(?:hurt|upset|crushed|floored|scared)\s+me\s+too|"
    r"i\s+(?:really\s+|truly\s+)?hope\s+(?:things|it|you|u|tomorrow|today|this|the\s+\w+)\s+(?:get|gets|feel|go|goes|"
    r"find|turn|turns|work|works|start|starts|improve|improves|can)"
    r")", _I)
#: MISC "Affirm": something positive or complimentary about the person's strengths or efforts, as support
#: conversations say it beyond the ``affirmation`` marker.
_AFFIRM = re.compile(
    r"\b(?:"
    r"(?:is|that'?s|thats|it'?s|its)\s+(?:a\s+)?(?:huge|massive|amazing|brilliant|incredible|impressive|"
    r"no\s+small\s+thing|a\s+big\s+deal|big\s+deal|really\s+brave|so\s+brave|brave)\b|"
    r"(?:shows?|says|took|takes|showed|showing)\s+(?:real\s+|a\s+lot\s+of\s+|so\s+much\s+|serious\s+|such\s+)?(?:courage|"
    r"strength|guts|commitment|determination|resilience|self-awareness|maturity)|"
    r"(?:you|u)(?:'re|\s+are|r)\s+putting\s+in\s+(?:serious|real|so\s+much|a\s+lot\s+of)\s+(?:work|effort)|"
    r"(?:you|u)(?:'ve|\s+have|ve)?\s+(?:handled|managed|coped\s+with|dealt\s+with|done)\s+[^.?!]{0,40}?\b(?:well|better|"
    r"brilliantly|amazingly|so\s+well)\b|"
    r"(?:you|u)(?:'ve|\s+have|ve)\s+kept\s+(?:showing\s+up|going|trying|at\s+it)|"
    r"proud\s+of\s+(?:you|u|yourself)\b|says\s+(?:a\s+lot|so\s+much|something)\s+(?:good\s+)?about\s+(?:you|u)\b|"
    r"(?:stronger|braver|more\s+(?:resourceful|capable|resilient))\s+than\s+(?:you|u)\s+(?:think|give|realise|realize|know)|"
    r"(?:you|u)\s+(?:did|made)\s+the\s+right\s+(?:thing|call|choice)|good\s+on\s+(?:you|u|ya)\b|"
    r"(?:you'?re|you\s+are|ur|u\s+r)\s+doing\s+(?:really\s+|so\s+)?(?:great|amazing|brilliantly|so\s+well|really\s+well|"
    r"the\s+best\s+(?:you|u)\s+can)"
    r")", _I)
#: MISC "Emphasize autonomy", "Seek collaboration" and "Ask permission" in other words than the markers.
_ADHERE = re.compile(
    r"\b(?:"
    r"no\s+pressure|(?:you|u)\s+(?:get\s+to|can)\s+(?:set|choose|decide|pick)\s+(?:the|your)\s+(?:own\s+)?"
    r"(?:pace|timing|speed|way)|(?:only|just)\s+if\s+(?:you|u)\s+(?:want|feel\s+like|'?re\s+ready)|"
    r"whenever\s+(?:you'?re|ur|you\s+are|u\s+r)\s+ready|(?:your|ur)\s+call\b|your\s+choice|"
    r"(?:how|what)\s+would\s+(?:you|u)\s+(?:like|want)\s+(?:to\s+(?:handle|do|try|approach)|the\s+next)|"
    r"what\s+(?:feels|seems|would\s+feel)\s+(?:doable|manageable|right\s+for\s+you|possible|realistic)|"
    r"if\s+(?:you'?re|ur|you\s+are|u\s+r)\s+open\s+to|feel\s+free\s+to\s+ignore|take\s+it\s+or\s+leave\s+it|"
    r"(?:would|do)\s+(?:you|u)\s+(?:want|like)\s+(?:a|an|some|my)\s+(?:idea|ideas|suggestion|suggestions|tip|tips|"
    r"thought|thoughts)|(?:happy|glad)\s+to\s+share\s+(?:what|something|a\s+few)"
    r")", _I)
#: MISC "Direct" and "Advise without permission": an imperative of any common verb at the start of a
#: sentence (after "just", "please", "then", "so", "maybe", "honestly"), or advice asked as a question
#: ("why don't you just ...", "have you thought about just ..."). Not an invitation to talk ("tell me
#: more", "talk to me about"), an offer ("call me anytime"), "thank you", "let me know", "take care",
#: "hang in there" (sign-offs and encouragement) or a question.
_VERBS = (
    "try|go|get|call|ring|phone|text|message|email|tell|talk|speak|ask|write|journal|delete|block|unfollow|mute|"
    "leave|quit|stop|start|take|give|put|keep|make|eat|drink|sleep|walk|run|exercise|breathe|book|see|visit|find|"
    "look|read|watch|listen|download|join|sign|apply|move|sell|buy|pay|save|cut|drop|throw|hide|lock|remove|clear|"
    "pack|change|switch|set|turn|pull|push|stay|avoid|ignore|forget|focus|accept|hold|hand|send|report|contact|"
    "reach|seek|grab|pick|plan|schedule|limit|reduce|use|wear|note|list|track|count|practise|practice|meditate|"
    "rest|relax|treat|reward|forgive|apologise|apologize|dump|break|end|cancel|skip|consider|remember|"
    "sort|fix|deal|face|confront|bin|chuck|flush|pour|lay|open|close|shut|clean|tidy"
)
_DIRECT = re.compile(
    r"(?:^|[.!?;:]\s+|\bthen\s+)"
    r"(?:(?:just|please|so|maybe|honestly|seriously|definitely|really|now|then|ok|okay|mate|hun),?\s+)*"
    rf"(?:{_VERBS})\b(?!,|\s+(?:to\s+)?me\b|\s+(?:you|u)\b|\s+care\b|\s+it\s+easy\b|\s+on\b|\s+ahead\b|\s+your\s+time\b|\s+soon\b|"
    r"\s+going\b|\s+in\s+there\b)(?![^.!?]*\?)|"
    r"\bwhy\s+(?:(?:don'?t|dont)\s+(?:you|u)\s+(?:just\s+)?(?!tell\b|talk\b|say\b|share\b)\w+|not\s+just\b)|"
    r"\b(?:have|did)\s+(?:you|u)\s+(?:thought\s+about|considered|tried)\s+just\b|"
    r"\bpull\s+yourself\s+together\b|\bget\s+over\s+it\b|\bman\s+up\b|\bgrow\s+up\b", _I)
#: MISC "Confront" and "Warn" in other words than the ``confront`` marker: labelling the person,
#: arguing, shaming; a bad consequence if the person carries on.
_CONFRONT = re.compile(
    r"\b(?:"
    r"(?<!knows\s)(?<!thinks\s)(?<!think\s)(?<!says\s)(?<!said\s)(?<!that\s)(?<!feel\s)(?<!feels\s)"
    r"(?:you|u)(?:'re|\s+are|r)\s+(?:(?:just|being|so|really|totally|honestly|literally)\s+)*(?:selfish|dramatic|"
    r"ridiculous|lazy|stupid|pathetic|childish|overreacting|paranoid|ungrateful|attention\s+seeking|weak|naive|"
    r"an\s+idiot|a\s+mess|delusional|exaggerating|over\s*thinking\s+it)|"
    r"feeling\s+sorry\s+for\s+yourself|no\s+offen[cs]e\s+but|"
    r"if\s+(?:you|u)\s+(?:actually|really|truly)\s+(?:wanted|cared|meant)|"
    r"(?:carry\s+on|keep\s+(?:going|this\s+up|that\s+up|doing\s+(?:this|that)))\s+(?:like\s+(?:this|that)\s+)?"
    r"(?:and|or)\s+(?:you|u|your|ur)\b|"
    r"(?:you'?ll|you\s+will|u\s+will|your\s+\w+\s+(?:will|'ll))\s+(?:end\s+up|regret|lose|stop|never|ruin|destroy|wreck)\b|"
    r"(?<!\bi\s)(?<!\bwe\s)(?<!\bthey\s)(?:don'?t|dont|do\s+not)\s+expect\s+(?:\w+\s+){0,3}to\b|\bor\s+else\b|"
    r"before\s+it'?s\s+too\s+late|"
    r"\bif\s+(?:you|u)\s+(?:don'?t|dont|do\s+not|keep|carry\s+on|continue|go\s+back|relapse|skip|ignore)\b[^.?!]{0,60}?"
    r"\b(?:you'?re\s+(?:going|gonna)\s+to|(?:you|u|they|it)(?:'ll|\s+will)\s+(?:end|lose|never|get\s+worse|regret|be\s+(?:gone|"
    r"back|sorry|dead|in\s+trouble))|won'?t\s+(?:be\s+(?:around|there)|last|have))"
    r")", _I)


@lru_cache(maxsize=8192)
def stance_phrases(text: str) -> frozenset[str]:
    """The stance's phrase moves in one turn: ``support``, ``affirm`` and ``adhere`` (MI-adherent),
    ``direct`` and ``confront`` (MI-non-adherent).

    >>> sorted(stance_phrases("I'm so sorry you're going through this."))
    ['support']
    >>> sorted(stance_phrases("Delete his number and block him."))
    ['direct']
    >>> sorted(stance_phrases("Carry on like this and you'll lose her."))
    ['confront']
    >>> [sorted(stance_phrases(t)) for t in ("Sorry, I interrupted you.", "It's been a hard year for you.",
    ...  "It sounds like the nights are the hardest.", "Thank you for telling me.", "Take care x")]
    [[], [], [], [], []]
    """
    text = normalise(text)      # lower case, straight apostrophes, no fillers or repeated words
    patterns = (("support", _SUPPORT), ("affirm", _AFFIRM), ("adhere", _ADHERE), ("direct", _DIRECT),
                ("confront", _CONFRONT))
    return frozenset(name for name, pattern in patterns if pattern.search(text))


def derive_stance(markers: Collection[str], behaviour: str | None, input_type: str | None, *,
                  previous_permission: bool, phrases: Collection[str] = ()) -> Stance:
    """Stance of one therapist turn from its markers, its learned labels, the previous therapist turn and
    its phrase moves (:func:`stance_phrases`)."""
    found = set(markers)
    moves = set(phrases)
    if "confront" in found or "confront" in moves:
        return "directive"
    advises = (bool(found & {"advice", "directive"}) or "direct" in moves
               or (behaviour == "input" and input_type == "advice"))
    if advises:
        softened = previous_permission or found & _SOFTENERS or "adhere" in moves
        return "collaborative" if softened else "directive"
    # A question with a word of sympathy before it ("I'm sorry to hear that. How long ...?") is a question:
    # its first utterance carries the support.
    kind = {"adhere"} if behaviour == "question" else {"support", "affirm", "adhere"}
    offers = behaviour == "input" and input_type in ("options", "negotiation")
    if found & _ADHERENT or moves & kind or offers:
        return "collaborative"
    return "neutral"
