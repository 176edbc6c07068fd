"""A caller's answer to a yes/no question, read as yes, no or unclear.

One reading serves every such question: consent to the transcript, WhatsApp and recording, and
confirming a booking, a change or a cancellation. A refusal must never be read as consent, so:

1. a negation that governs the answer wins over every yes word: "please don't record this",
   "absolutely not", "I'd rather you didn't", "yes, but no WhatsApp";
2. then a hedge makes the answer unclear: "maybe", "let me think", "I'm not sure";
3. only then does a yes count: "go ahead", "sure, why not", "haan".

What a negation governs is the word after it, over a few fillers ("I don't really have a problem"):
a negated objection is a yes ("no problem", "I don't mind"), a negated knowing or hearing is a hedge
("I don't know", "I didn't catch that"); anything else negated is a refusal. "please" and "thanks"
are politeness, not answers, and the yes words of a question ("is that okay?") are not an answer.
Hindi and Hinglish answers ("haan ji", "nahi, mat karo") are rewritten by `hindi.answer_words` first.
"""

import re

from voicebot.understanding import hindi

YES, NO, HEDGE = "yes", "no", "hedge"

# Phrases read as one unit before the word-by-word reading, so that "why not" agrees, "never mind"
# refuses and "right now" is no "right". Regular expressions over lower-case words.
_UNITS: dict[str, tuple[str, ...]] = {
    YES: (
        r"(?:(?:do not|don't|dont|can't|cant|cannot) see (?:any reason )?)?why not",
        r"go ahead",
        r"go for it",
        r"go on then",
        r"please do",
        r"by all means",
        r"of course",
        r"for sure",
        r"all right",
        r"sounds (?:good|fine|great)",
        r"that's good",
        r"all good",
        r"good with",
        r"(?:that )?works for me",
        r"that works",
        r"fair enough",
        r"(?:think|guess|suppose|believe|hope) so",
        r"mm hmm",
        r"uh huh",
        r"you may",
    ),
    NO: (
        r"never mind",
        r"forget (?:it|about it|that)",
        r"no way",
        r"(?:i'm|i am) good(?! with)",
        r"opt out",
    ),
    HEDGE: (
        r"let me",
        r"hold on",
        r"hang on",
        r"(?:one|a|just a) (?:second|sec|moment|minute)",
        r"think about",
        r"what for",
        r"for what",
        r"come again",
        r"say (?:that |it )?again",
        r"only if",
        r"as long as",
        r"provided",
    ),
    # Neither: their words mean something else here.
    "": (
        r"make sure",
        r"right (?:now|away)",
    ),
}
_UNIT = re.compile(
    "|".join(f"(?P<{kind or 'other'}>\\b(?:{'|'.join(units)})\\b)" for kind, units in _UNITS.items())
    + r"|(?P<word>\S+)"
)

_YES_WORDS = frozenset(
    {
        "yes", "yeah", "yea", "yeh", "yah", "ya", "yep", "yup", "aye", "sure", "surely", "okay", "ok", "okey",
        "okie", "fine", "alright", "right", "correct", "exactly", "absolutely", "definitely", "certainly",
        "indeed", "agree", "agreed", "consent", "accept", "allow", "perfect", "great", "cool", "happy",
        "affirmative", "ofcourse", "mm-hmm", "mm-hm", "mhm", "mmhmm", "uh-huh",
    }
)  # fmt: skip
_NEGATIONS = frozenset(
    {"no", "not", "never", "nope", "nah", "nay", "cannot", "neither", "nor", "uh-uh", "nuh-uh", "without"}
)
# "don't", "didn't", "wouldn't", and as ASR writes them without the apostrophe, "dont", "cant", "wont".
_CONTRACTED_NEGATION = re.compile(r"\w+n't|(?:do|does|did|is|are|was|were|has|have|had|would|should|could|ca|wo)nt")
_REFUSALS = frozenset(
    {
        "refuse", "refused", "decline", "declined", "object", "against", "negative", "wrong", "incorrect", "stop",
        "pass", "skip", "except", "excluding",
    }
)  # fmt: skip
_HEDGES = frozenset(
    {
        "maybe", "perhaps", "possibly", "probably", "dunno", "unsure", "depends", "depend", "later", "whatever",
        "why", "pardon", "repeat", "unless", "only", "rather", "prefer", "wait", "confused",
    }
)  # fmt: skip
# Negated, these agree ("no problem", "I don't mind", "not bothered"); said plainly, they object.
_OBJECTIONS = frozenset(
    {"mind", "problem", "problems", "issue", "issues", "worries", "objection", "objections", "bothered", "bothers"}
)
# Negated, these are a hedge: the caller does not know, or did not hear ("not sure", "didn't catch that").
_UNKNOWING = frozenset(
    {"sure", "certain", "know", "decided", "understand", "understood", "hear", "catch", "follow", "get", "idea",
     "clue", "care", "matter"}
)  # fmt: skip
# Words a negation reaches over to what it governs: "I don't really have a problem", "not a big issue".
_FILLERS = frozenset(
    {"really", "quite", "too", "so", "very", "at", "all", "a", "an", "any", "much", "have", "has", "had", "got",
     "see", "even", "exactly", "entirely", "totally", "that", "the", "big", "real", "yet"}
)  # fmt: skip
_SENTENCE = re.compile(r"[^.?!।]+[.?!।]*")


def yes_no(text: str) -> bool | None:
    """True for yes, False for no, None when the answer is unclear (ask again; never a yes)."""
    found: set[str] = set()
    for sentence in _SENTENCE.findall(text):
        found |= _read(sentence, asked=sentence.rstrip().endswith("?"))
    if NO in found:
        return False
    if HEDGE in found:
        return None
    return True if YES in found else None


def _read(sentence: str, *, asked: bool) -> set[str]:
    """What one sentence holds: a yes, a no, a hedge. A question's yes words are no answer, but "why not?" is."""
    words = hindi.answer_words(sentence).replace("’", "'").replace("‘", "'")
    items = [(match.lastgroup or "word", match.group(0).strip("'-")) for match in _UNIT.finditer(words)]
    found: set[str] = set()
    i = 0
    while i < len(items):
        kind, word = items[i]
        if kind == "word" and (word in _NEGATIONS or _CONTRACTED_NEGATION.fullmatch(word)):
            governed, after = _governed(items, i + 1)
            if governed in _OBJECTIONS:
                found.add(YES)
            elif governed in _UNKNOWING:
                found.add(HEDGE)
            else:
                found.add(NO)
                after = i + 1
            i = after
            continue
        if kind == YES and (not asked or "why not" in word):
            found.add(YES)
        elif kind in {NO, HEDGE}:
            found.add(kind)
        elif kind == "word":
            found |= _word(word, asked=asked)
        i += 1
    return found


def _governed(items: list[tuple[str, str]], start: int) -> tuple[str | None, int]:
    """The word a negation governs (past a few fillers), and where reading goes on after it."""
    j = start
    while j < len(items) and j - start < 3 and items[j][0] == "word" and items[j][1] in _FILLERS:
        j += 1
    if j >= len(items) or items[j][0] != "word":
        return None, start
    word = items[j][1]
    if word == "bother" and j + 1 < len(items) and items[j + 1][1] in {"me", "us"}:
        return "bothers", j + 2  # "that doesn't bother me", but "don't bother" refuses
    return word, j + 1


def _word(word: str, *, asked: bool) -> set[str]:
    if word in _YES_WORDS:
        return set() if asked else {YES}
    if word in _REFUSALS or word in _OBJECTIONS:
        return {NO}
    if word in _HEDGES:
        return {HEDGE}
    return set()
