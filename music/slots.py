"""What a request names, said the way people say it: "X by Y", "Y's X", "something from Y", "the album X",
"my X playlist", "songs from the nineties", "on Spotify". Works on normalised text (music.intents.normalize_text)
and returns the structured parameters of INTENT_SCHEMA: `title`, `artist`, `album`, `playlist`, `genre`,
`year`, `media_type`, plus `query` (what to search for when nothing more precise was said).

General rules only: the words around a name say what it is ("by", "from", "album", "playlist", "'s").
A name with no such word (a bare "play X") is kept as `query` and, when said as "some X" or "X songs",
taken as an artist.
"""

import re
from typing import Any

from rapidfuzz import fuzz

from sawt.speech.language import parse_number

# Music services people name. Only Spotify and SoundCloud are played; the others are answered with that.
SERVICES = {
    "spotify": "spotify",
    "soundcloud": "soundcloud",
    "sound cloud": "soundcloud",
    "youtube music": "youtube music",
    "youtube": "youtube",
    "you tube": "youtube",
    "apple music": "apple music",
    "itunes": "itunes",
    "i tunes": "itunes",
    "pandora": "pandora",
    "deezer": "deezer",
    "tidal": "tidal",
    "amazon music": "amazon music",
    "google play music": "google play music",
    "google music": "google music",
    "google play": "google play",
    "last fm": "last fm",
    "lastfm": "last fm",
    "iheartradio": "iheartradio",
    "iheart radio": "iheartradio",
    "iheart": "iheartradio",
    "i heart radio": "iheartradio",
    "i heart": "iheartradio",
    "napster": "napster",
    "slacker": "slacker",
    "zvooq": "zvooq",
    "groove shark": "grooveshark",
    "grooveshark": "grooveshark",
    "netflix": "netflix",
    "vimeo": "vimeo",
    "gaana": "gaana",
    "jiosaavn": "jiosaavn",
    "saavn": "saavn",
    "wynk": "wynk",
}
_SERVICE = "|".join(sorted((re.escape(s) for s in SERVICES), key=len, reverse=True))
_SERVICE_WORDS = r"(?:the )?(?:(?:music )?(?:service|app|application|website|site) )?(?:my )?"
# "use Pandora to play ...", "open Vimeo and play ...": the service first.
SERVICE_FIRST = re.compile(
    rf"^(?:can you |please |could you |let me |have |get )?(?:use|using|open|open up|go to|go on|launch|start|with|on|"
    rf"via|in|turn on|put on|fire up|have|get)"
    rf" {_SERVICE_WORDS}({_SERVICE})(?: app| service)?(?: and| to| then|,)* ?"
)
# "... on Youtube", "... off of Itunes", "... from my itunes", "... with spotify", anywhere in the sentence.
SERVICE_ANY = re.compile(
    rf"(?:^| )(?:on|off of|off|from|using|use|via|with|in|through|and|an|at) {_SERVICE_WORDS}({_SERVICE})"
    rf"(?: app| service| music service)?(?= |$)"
    # ... unless it is part of a playlist's name: "my spotify orchestra cello playlist", "top 100 tracks on spotify"
    rf"(?!(?: (?!my |the |a |and |to )\w+){{1,4}} (?:playlist|picks)\b)"
)
# Editorial playlists carry the service in their name ("Top 100 Indie Tracks on Spotify").
SERVICE_IN_NAME = re.compile(rf"\b(?:tracks|picks|hits) (?:on|from) (?:{_SERVICE})(?= playlist|$)")

# Kinds of recording as said ("the album X", "a song by Y"); album-like ones make `media_type` album.
_ALBUM_ITEMS = r"album|albums|record|records|ep|eps|lp|lps|soundtrack|soundtracks"
_TRACK_ITEMS = r"song|songs|track|tracks|tune|tunes|single|singles"
_OTHER_ITEMS = (
    r"music|symphony|symphonies|concerto|concertos|chant|chants|movement|movements|sonata|sonatas|ballad|"
    r"ballads|opus|aria|arias|piece|pieces|melody|melodies|theme|themes|composition|compositions|recording|"
    r"recordings|stuff|hits|anthem|anthems|tunes|sound track|sound tracks|jam|jams|songs"
)
_ITEM = rf"(?:{_ALBUM_ITEMS}|{_TRACK_ITEMS}|{_OTHER_ITEMS})"
# How a listing is sorted ("the greatest", "top ten", "newest"): not a name.
_SORT = (
    r"(?:the )?(?:very )?(?:most popular|most recent|top rated|top (?:\d+|one|two|three|four|five|six|seven|eight|"
    r"nine|ten|fifteen|twenty|thirty|forty|fifty|hundred|one hundred)|top|greatest|great|popular|newest|new|"
    r"latest|last|best|oldest|old|least popular|recent|famous|good|classic|favorite|favourite)"
)
_YEAR_WORDS = (
    r"(?:nineteen |two thousand |twenty )?(?:twenties|thirties|forties|fourties|fifties|sixties|seventies|"
    r"eighties|nineties|noughties|aughts|tens)"
)
_YEAR = rf"(?:1[89]\d\ds?|20[0-3]\ds?|\d0s|{_YEAR_WORDS}|nineteen \w+(?: \w+)?|two thousand(?: and)?(?: \w+)?)"
_YEAR_PHRASE = re.compile(
    rf"(?:^| )(?:(?:that (?:came out|was released|were released|is)|released|recorded|made|came out) )?"
    rf"(?:(?:from|of|in|during|out of|around|released in) )*(?:the )?(?:year |years |decade )?({_YEAR})(?= |$)"
)
GENRES = (
    "rock|pop|jazz|blues|classical|country|folk|metal|heavy metal|hip hop|hiphop|rap|reggae|reggaeton|soul|funk|"
    "disco|punk|indie|alternative|electronic|electronica|techno|house|trance|dubstep|edm|ambient|lounge|"
    "chill|chillout|r and b|rnb|gospel|latin|salsa|bossa nova|samba|tango|flamenco|chanson|opera|"
    "k pop|kpop|j pop|bollywood|grunge|ska|swing|bluegrass|instrumental|acoustic|dance|trap|drill|lofi|lo fi|"
    "new age|world|celtic|soundtrack|humour|humor|comedy|christmas|kids|childrens|piano|orchestral|baroque|"
    "romantic|emo|hardcore|industrial|psychedelic|progressive|motown|doo wop|ragtime|zydeco|cumbia|bachata|"
    "merengue|afrobeat|afrobeats|qawwali|ghazal|carnatic|sufi|bhangra|devotional|bhajan|fado|polka|"
    "grime|garage|drum and bass|jungle|synthpop|synth pop|new wave|post rock|shoegaze|math rock"
)
# A genre may be said with another or with a style word before it: "indie rock", "hardcore hip hop", "slow rock".
_STYLE = "soft|slow|hard|deep|smooth|modern|dark|acid|vocal|old school|contemporary|traditional|southern|christian"
GENRE_PHRASE = rf"(?:(?:{GENRES}|{_STYLE}) )?(?:{GENRES})"
_GENRE = re.compile(rf"^(?:the )?(?:genre )?({GENRE_PHRASE})(?: genre| music| songs| tunes| tracks| hits)?$")
_GENRE_SAID = re.compile(r"(?:^| )(?:(?:the |a )?genre (?:of )?(\w+(?: \w+)?)|(\w+(?: \w+)?) genre)(?= |$)")

# "a" is no article before a lone letter ("a r rahman" is a name's initials), but "a g dep song" is one of his.
_A = rf"a(?! \w\b(?!.* (?:{_ALBUM_ITEMS}|{_TRACK_ITEMS})$))"
_FILLER = (
    rf"me|us|to|for me|some|any|{_A}|an|the|a few|few|a couple of|one|"
    r"something|anything|more|a bit of|a little|"
    r"little|good|great|nice|random|all|every|another|out|this|that|whatever|stuff|everything|music|sort|"
    r"sorted|list|selection|of|tunes|songs"
)
_LEAD = re.compile(rf"^(?:(?:{_FILLER}|{_SORT}|{_ITEM})\b ?)+")
_DETERMINER = re.compile(rf"^(?:(?:me|us|{_A}|an|the|some|any|{_SORT}) )+")
_TAIL = re.compile(r"(?: (?:please|now|for me|for us|right now|again|thanks|thank you|ok|okay|tonight|today))+$")
_BY = (
    r"(?:by|from|of|off|off of|performed by|sung by|made by|written by|composed by|done by|created by|"
    r"recorded by|released by|featuring)"
)
_WHO = r"(?:(?:the )?(?:artist|band|singer|group|composer|rapper|musician)s? (?:called |named )?)?"
# Words that make a name read as a title rather than a person's or a band's name.
_TITLE_WORDS_SAID = (
    "i you me my your we our it its is are was be in on at to of for with and or but not no do dont all love night "
    "day time heart go come get let cant wont im when what where why how this that there here if up down out into "
    "over under again never always just like"
)
_TITLE_WORDS = frozenset(_TITLE_WORDS_SAID.split(" "))


# Words that album titles carry and song titles seldom do ("live at x", "the best of", "greatest hits",
# "x sings y", "x presents y", "the y sessions", "vol 2", "compilation 2003"): a name with one is an album.
_ALBUM_TITLE = re.compile(
    r"\b(?:vol|volume|part|pt|chapter) \d|\w \d{4}$|"
    r"^live (?:at|from|in|on)\b|\blive$|\b(?:the )?best of\b|\bgreatest hits\b|\b(?:sings|presents|"
    r"compilation|anthology|sessions|tapes|dvd|collection|vol|volume|unplugged|remastered|deluxe|edition|"
    r"ep|lp|soundtrack|ost|b sides|demos|remixes|mixes)\b|^(?:the )?(?:songs|music) of\b"
)


def _album_name(said: str) -> str:
    """An album's name as said after "from" or "off": the trailing kind word and fillers go, its own "the"
    stays ("the best of x")."""
    name = _TAIL.sub("", said.strip())
    return re.sub(r" (?:album|record|ep|lp)$", "", name) or name


def _item_kind(word: str | None) -> str | None:
    if not word:
        return None
    if re.fullmatch(_ALBUM_ITEMS, word):
        return "album"
    if re.fullmatch(_TRACK_ITEMS, word):
        return "track"
    return None


def year_value(said: str) -> str:
    """ "1958", "the nineties", "nineteen ninety" as written ("1958", "1990s", "1990")."""
    decades = {
        "twenties": 20,
        "thirties": 30,
        "forties": 40,
        "fourties": 40,
        "fifties": 50,
        "sixties": 60,
        "seventies": 70,
        "eighties": 80,
        "nineties": 90,
    }
    words = said.split()
    if words and words[-1] in decades:
        century = "20" if words[0] in {"two", "twenty"} and len(words) > 1 else "19"
        return f"{century}{decades[words[-1]]}s"
    if re.fullmatch(r"\d0s", said):
        return ("19" if int(said[0]) > 2 else "20") + said
    if re.fullmatch(r"\d{4}s?", said):
        return said
    number = parse_number(said, years=True) if said else None
    return str(number) if number and 1000 <= number <= 2100 else said


def take_service(text: str) -> tuple[str, str | None]:
    """The text without the service it names, and that service (its usual spelling)."""
    match = SERVICE_FIRST.match(text) or SERVICE_ANY.search(text)
    inside = SERVICE_IN_NAME.search(text)
    if not match or (inside and inside.start() < match.end() and match.start() < inside.end()):
        return text, None
    rest = (text[: match.start()] + " " + text[match.end() :]).strip()
    return re.sub(r"\s+", " ", rest), SERVICES[match.group(1)]


def _take_year(text: str, out: dict[str, Any]) -> str:
    year = _YEAR_PHRASE.search(text)
    if not year:
        return text
    out["year"] = year_value(year.group(1))
    return re.sub(r"\s+", " ", text[: year.start()] + " " + text[year.end() :]).strip()


# Words that name nothing when said alone: "something by x", "anything from y", "the top 5 by z". The fillers
# and sort words of _FILLER and _SORT, less those a title may be made of ("one of us", "this is it", "out").
_NOTHING_NAMED = re.compile(
    rf"^(?:(?:me|us) )?(?:(?:a|an|the|some|any|all|more|{_SORT}|something|anything|everything|whatever|"
    r"stuff|music|songs|tunes|sort|sorted|for me|for us|random|selection|list|a few|few|a bit of|a little|little|"
    r"good|great|nice)(?: |$))+$"
)


def _name(said: str, keep_the: bool = True, by_said: bool = False, added: bool = False) -> tuple[str, str | None]:
    """A name with its fillers and kind words taken off ("the top ten album x" -> ("x", "album")); kind
    "artist" when one kind word follows it and no one else is said to have made it (`by_said`): "a keith
    richards album", "this roy orbison song", "the herbie mann tune", "garry shider album" are recordings by
    someone; a bare "tum hi ho song" is the song's title, and "the x song" is one by x only when a track is added
    to a playlist (`added`: "add the herbie mann song to ..."; "play the radio gaga song" names the song)."""
    if _NOTHING_NAMED.match(said):  # before the lead is taken off, which would leave "5" of "the top 5"
        return "", None
    kind = None
    by_someone = re.match(rf"^(?:this|that|another) (?=.+ (?:{_ALBUM_ITEMS}|{_TRACK_ITEMS})$)", said)
    if by_someone:
        said = said[by_someone.end() :]
    lead = _LEAD.match(said)
    determined = (
        (bool(_DETERMINER.match(said)) and not re.match(rf"^the (?!(?:{_SORT}) )", said))
        or bool(by_someone or (added and _added_by_someone(said)))
        or not (lead or re.search(rf" (?:{_TRACK_ITEMS})$", said))  # "x album", but "tum hi ho song" is a title
    ) and not by_said
    if lead:
        taken = lead.group(0)
        items = list(re.finditer(rf"\b(?:{_ITEM})\b ?", taken))
        if items:
            # Up to the last kind word ("the top ten album x"): the words after it are the name's own.
            for item in items:
                kind = _item_kind(item.group(0).strip()) or kind
            taken = taken[: items[-1].end()]
        else:
            # Only determiners and sort words: "one way ticket", "this is colour" keep their first word.
            determiner = _DETERMINER.match(taken)
            taken = determiner.group(0) if determiner else ""
            if keep_the and taken.endswith("the ") and not re.search(rf"(?:{_SORT}) the $", taken):
                taken = taken[: -len("the ")]
        said = said[len(taken) :]
    said = re.sub(r"^(?:called|named|titled|entitled) ", "", said)
    tail = re.search(rf"(?: (?:{_SORT}))*(?: (?:{_ITEM}))+(?: (?:that is|thats|which is) (?:{_SORT}))?$", said)
    if tail and tail.start() > 0:
        words = tail.group(0).split()
        last = next(w for w in reversed(words) if re.fullmatch(_ITEM, w))
        plural = last.endswith("s") or last in {"music", "stuff"}
        sorted_after = bool(re.match(rf" (?:{_SORT}) ", tail.group(0) + " "))
        if not kind:
            kind = "artist" if plural or sorted_after or (determined and not lead_kind(lead)) else _item_kind(last)
        said = said[: tail.start()]
        said = said.removeprefix("the ")  # "the x album": the article goes with the kind word
    # "please", "now", "again" said after the request, but a title's own before "by y" ("say it again by x")
    name = (said if by_said else _TAIL.sub("", said)).strip()
    return ("" if _NOTHING_NAMED.match(name) else name), kind  # "something" (by x), "the top 5" (from y)


def _added_by_someone(said: str) -> bool:
    """A track added to a playlist as "the x song" or "x track" with x a name: a recording by x ("add lari
    white song to ..."), unless x reads as a title ("add we have a theme song to ...")."""
    named = re.match(rf"^(the )?(?!(?:{_SORT}) )(.+) (?:{_TRACK_ITEMS})$", said)
    return bool(named and (named.group(1) or _looks_like_a_name(named.group(2))))


def lead_kind(lead: re.Match[str] | None) -> str | None:
    return next((k for w in (lead.group(0).split() if lead else []) if (k := _item_kind(w))), None)


def _split_possessive(text: str, possessives: frozenset[str]) -> tuple[str | None, str]:
    words = text.split()
    for i, word in enumerate(words):
        if word in possessives:
            owner = " ".join([*words[:i], word[:-1]])
            return _LEAD.sub("", owner).strip() or None, " ".join(words[i + 1 :])
    return None, text


def _looks_like_a_name(name: str) -> bool:
    """One to three words with no function word: a person or a band, more often than a title."""
    words = name.split()
    return 1 <= len(words) <= 3 and not (_TITLE_WORDS & set(words))


def _clauses(text: str) -> str:
    """What is said about the recording after its name goes: "x that's on youtube", "x songs that inspire
    movement", "x with any song"."""
    text = re.sub(r" (?:that s|thats|that is|which is)(?: (?:on|in|available|from)\b.*)?$", "", text)
    text = re.sub(r"\b(songs|music|tracks|tunes|stuff) (?:that|which) .*$", r"\1", text)
    return re.sub(r" (?:with )?any (?:song|track|tune)s?(?: will do)?$", "", text)


def _made_by(text: str) -> str:
    """ "anything x made in the thirties" is "anything by x in the thirties"."""
    return re.sub(
        r"^((?:anything|something|whatever|everything|stuff|songs|music) )"
        r"((?:(?!(?:by|from|of|off|on|in|a|an|the) )\w+ )*?\w+) (?:made|did|recorded|released|sang|"
        r"wrote|produced|has (?:made|done|recorded|released))(?= |$)",
        r"\1by \2",
        text,
    )


def describe(phrase: str, possessives: frozenset[str] = frozenset(), *, added: bool = False) -> dict[str, Any]:
    """The structured parameters for what follows the verb ("tum hi ho by arijit singh"); `added`: the track
    added to a playlist (`add_to_playlist`)."""
    out: dict[str, Any] = {}
    phrase = re.sub(r"\bsound (tracks?)\b", r"sound\1", phrase)  # "the x sound track" is x's soundtrack
    text = _take_year(_made_by(_TAIL.sub("", phrase.strip())), out)
    text = re.sub(rf"(?:^| )(?:(?:sorted |sort )?by|from|in|with) (?:the )?{_SORT}(?: first)?$", "", text).strip()
    text = re.sub(rf" (?:the )?{_SORT} first$", "", text).strip()
    text = _clauses(text)
    lead = rf"^(?:(?:{_FILLER}|{_ITEM}) )*(?:(?:from|on|off|off of|in|of|through) )?(?:the |my |our |\w+s )?"
    playlist = re.match(rf"{lead}(?:playlist|playlists) (?:called |named |titled )?(.+)$", text)
    playlist = playlist or re.match(rf"{lead}(.+?) (?:playlist|playlists|play list)$", text)
    # "my x" alone is a playlist; "my tribute by billy cox" is a recording someone made
    playlist = playlist or re.match(rf"^my (?!(?:liked|saved|favou?rite|likes))(?!.* {_BY} )(.+)$", text)
    liked = r"(?:all )?(?:my )?(?:liked|saved|favou?rite) (?:songs|tracks|music)|my (?:likes|favou?rites)"
    if playlist:
        out.update(playlist=_TAIL.sub("", playlist.group(1)), media_type="playlist")
    elif re.fullmatch(liked, text):
        out.update(playlist="liked songs", media_type="playlist")
    else:
        _describe_named(text, possessives, out, added=added)
    if "genre" not in out:
        genre = _GENRE_SAID.search(text)
        if genre:
            out["genre"] = genre.group(1) or genre.group(2)
    if out.pop("_said_artist", False) and not ({"title", "album", "media_type"} & out.keys()):
        out["media_type"] = "artist"  # only when said ("songs by X", "the artist X"), never for a bare name
    query = out.get("playlist") or " ".join(str(out[k]) for k in ("title", "album", "artist", "genre") if k in out)
    if query:
        out["query"] = query
    return out


def _describe_named(text: str, possessives: frozenset[str], out: dict[str, Any], *, added: bool = False) -> None:
    # "music from the track x", "something off the song x": the track named, not a record it is on.
    text = re.sub(rf"^(?:(?:{_FILLER}|{_ITEM}) )*(?:from|off of|off|of) the ({_TRACK_ITEMS}) ", r"the \1 ", text)
    # "the artist x track y", "singer x song y": whose recording, then its title.
    whose_track = re.match(
        r"^(?:the )?(?:artist|band|singer|group|composer|rapper|musician) (.+?) (?:song|track|tune) (.+)$", text
    )
    if whose_track:
        out.update(artist=whose_track.group(1), title=whose_track.group(2), media_type="track", _said_artist=True)
        return
    album_at_end = re.search(
        r" (?:from|off|on|of) (?:the |their |his |her |its )?"
        r"(?:(?:album|record|ep|lp) (.+)|(.+) (?:album|record|ep|lp))$",
        text,
    )
    if album_at_end:
        owner, album = _split_possessive(album_at_end.group(1) or album_at_end.group(2), possessives)
        if name := _name(album)[0]:
            out["album"] = name
        if owner:
            out["artist"] = owner
        text = text[: album_at_end.start()]
    # "the ricky wilson album spectral dusk", "a song off the curtis lee album x": whose album, then its name.
    whose = re.match(
        rf"^(?:(?:{_FILLER}|{_ITEM}) )*(?:(?:off of|off|from|of) )?(?:the )?(?!(?:{_SORT}|{_FILLER}) )"
        rf"(\w+(?: \w+){{0,3}}) (?:album|alumb|record|lp) (?!by |from )(.+)$",
        text,
    )
    if whose and "album" not in out:
        out.update(artist=whose.group(1), album=_TAIL.sub("", whose.group(2)), media_type="album")
        return
    # "something off x", "a song off y's x": "off" names the record a song is on.
    off = re.match(rf"^(?:(?:{_FILLER}|{_SORT}|{_ITEM}) )*(?:off of|off) (.+?)(?: by (.+))?$", text)
    if off and "album" not in out:
        owner, album = _split_possessive(off.group(1), possessives)
        out.update(album=_album_name(album), media_type="album")
        if off.group(2) or owner:
            out.update(artist=off.group(2) or owner, _said_artist=True)
        return
    owner, text = _split_possessive(text, possessives)
    split = None
    if owner is None:
        # "a song by y from x": the artist is said, so "from" names the record.
        by_from = re.match(rf"^(?:(.*) )?by {_WHO}(.+?) from (?!the )(.+)$", text)
        if by_from and "album" not in out:
            out.update(album=_album_name(by_from.group(3)), media_type="album")
            text = f"{by_from.group(1) or ''} by {by_from.group(2)}".strip()
        # The last "by" names the artist; without one, the last "from"; "of" only after "music", "songs".
        split = re.match(
            rf"^(?:(.*) )?(?:by|performed by|sung by|made by|written by|composed by|done by|"
            rf"recorded by|released by|featuring) {_WHO}(.+)$",
            text,
        )
        split = split or re.match(rf"^(?:(.*) )?(?:from|off of|off) {_WHO}(.+)$", text)
        split = split or re.match(rf"^(?:((?:{_FILLER}|{_SORT}|{_ITEM}) )*)(?:of) {_WHO}(.+)$", text)
    if owner is None and split is None:
        artist = re.match(
            rf"^(?:(?:{_FILLER}|{_SORT}) )*(?:artist|band|singer|group|composer|rapper|musician)s? "
            r"(?:called |named )?(.+)$",
            text,
        )
        if artist:
            owner, text = _name(artist.group(1))[0], ""
    if split:
        owner = _TAIL.sub("", split.group(2 if split.lastindex and split.lastindex >= 2 else 1)).strip()
        # "by the famous x"
        owner = re.sub(r"^(?:the )?(?:famous|legendary|great|late|amazing|talented) (?=\w)", "", owner)
        text = split.group(1) or "" if (split.lastindex or 0) >= 2 else ""
        # The greedy split leaves "performed by"'s first word with the title: "i get ideas as performed by y".
        text = re.sub(r"(?:^| )(?:as )?(?:performed|sung|made|written|composed|done|recorded|released)$", "", text)
        inner = re.match(
            r"^(?:.* )?(?:from|off|on|of) (?:the |their |his |her |its )?(?:album|record|ep|lp) (.+)$", text
        )
        # "a song from x by y", "something off x by y"; "on" and "of" only after a kind of recording ("a song on
        # x by y"): "on the good ship lollipop", "one of us" are titles.
        inner = inner or re.match(rf"^(?:(?:{_FILLER}|{_SORT}|{_ITEM}) )*(?:from|off) (?:the )?(.+)$", text)
        inner = inner or re.match(rf"^(?:(?:{_FILLER}|{_SORT}) )*(?:{_ITEM}) (?:on|of) (?:the )?(.+)$", text)
        if inner and "album" not in out:
            if album := _name(inner.group(1))[0]:  # "from the top 5 from x": no name, only a sort
                out["album"], out["media_type"] = album, "album"
            text = ""
    name, kind = _name(text, by_said=bool(owner), added=added)
    if owner:
        out["artist"] = owner
        out["_said_artist"] = True
    if not name:
        if kind == "album":
            out["media_type"] = "album"
        return
    genre = _GENRE.match(name)
    said_album = re.match(r"^(?:the )?(?:album|record|ep|lp) ", text)
    if genre and not owner:
        out["genre"] = genre.group(1)
    elif kind == "album" or (kind is None and "album" not in out and (said_album or _ALBUM_TITLE.search(name))):
        out["album"], out["media_type"] = name, "album"
    elif kind == "track" or owner:
        out["title"] = name
        out["media_type"] = "track"
    elif kind == "artist":
        out["artist"], out["_said_artist"] = name, True
    elif _looks_like_a_name(name) or re.match(r"^(?:(?:me|us) )?(?:some|any) ", text):
        out["artist"] = name
    else:
        out["title"] = name


_THIS = re.compile(
    rf"^(?:(?:this|that|it|the current|the|current|what s playing|whats playing|what is playing|this current|"
    rf"the one playing|the one that s playing|this one|that one|another|one more|one|a|an)\b ?)*"
    rf"(?:(?:{_ITEM}|artist|one)(?: (?:that s|that is|which is|currently|now) playing| playing| on| now)?)?$"
)


# Words after a playlist's name that say what it is, not what it is called ("my chill playlist", "the gym list").
_CONTAINER = r"playlists?|play ?lists?|playlst|playlis|lis|list|lists|selection|section|group|collection|soundtrack|one"
# Whose playlist it is, after "my": "my mother's x playlist".
_KIN = (
    r"mother|father|mom|mum|dad|wife|husband|sister|brother|son|daughter|friend|kid|partner|girlfriend|boyfriend|"
    r"baby|roommate|boss|family|parent|grandma|grandpa|aunt|uncle|cousin|niece|nephew"
)
# Compound nouns that end in "list" and are names ("miami guest list"), not "list" said for "playlist".
_LIST_NAMES = r"guest|wish|set|hit|a|b|reading"


def playlist_name(said: str, possessives: frozenset[str] = frozenset(), cased: str = "") -> str:
    """ "my hot house playlist", "the playlist called gold edition", "enid's romantica" -> the name. With the
    request as written (`cased`), capitals extend a name: "to The Refugee Playlist" keeps its "the" and its
    "playlist", as title case marks where a written name begins and ends."""
    name = re.sub(r"\b(?:play list|palylist|playist)\b", "playlist", said.strip())
    name = " ".join("playlist" if _misspelt_playlist(word) else word for word in name.split())
    name = re.sub(r"(?: (?:it|this song|this track|this|this one|please))+$", "", name)
    owner = r"(?:my|our|your|his|her|their)"
    name = re.sub(rf"^one of {owner} playlists,? ", "", name)
    # "my spotify cello playlist: colors of the wind": the name ends at "playlist", the track follows.
    name = re.sub(rf"^({owner} (?!playlist ).+?) playlist (?!playlist).+$", r"\1", name)
    first, _, rest = name.partition(" ")
    if re.fullmatch(owner, first) or (first in possessives and rest and not _written_as_a_name(first, cased)):
        name = rest
        # "my mother's primavera sound playlist" (but "my valentine's day love", "my 80's jam session")
        name = re.sub(rf"^(?:{_KIN})s ", "", name)
    # "my the midnight hour playlist", "my a mis ninos playlist": after an owner, an article begins the name.
    if not re.match(rf"^{owner} (?:the|teh|a) ", said):
        name = re.sub(r"^(?:the |teh |a |list )", "", name)
    name = re.sub(
        r"^(?:(?:new|current|existing|own) )?(?:playlists?|list|playslist) (?:(?:that is |which is |that s )?"
        r"(?:called|named|titled|entitled),? |"
        r"with the (?:title|name) |under )?",
        "",
        name,
    )
    name = re.sub(r"^(?:current|existing) ", "", name)
    name = re.sub(r"^(?:called|named|titled|entitled) ", "", name)
    while not re.search(rf"\b(?:{_LIST_NAMES}) list$", name):
        shorter = re.sub(rf" (?:{_CONTAINER}|my|our)$", "", name)
        if shorter == name and len(name.split()) > 2:  # "radio rock song list", but "love song" stays
            shorter = re.sub(r" (?:album|track|song|tune)$", "", name)
        if shorter == name:
            break
        name = shorter
    return _cased_extent(name.strip(), cased)


def _misspelt_playlist(word: str) -> bool:
    """ "plylist", "playlsit", "plalist": typed in a hurry, one or two letters off."""
    return (
        len(word) >= 6
        and word[0] == "p"
        and word not in {"playlist", "playlists"}
        and fuzz.ratio(word, "playlist") >= 80
    )


def _written_as_a_name(word: str, cased: str) -> bool:
    """Written with a capital mid-sentence, and so is the next word: "Women's Lit" is a name, not an owner."""
    words = cased.split()
    return any(
        w.casefold() == word and i > 0 and w[:1].isupper() and i + 1 < len(words) and words[i + 1][:1].isupper()
        for i, w in enumerate(words)
    )


# Words the parser takes for fillers or kinds of recording that a title written with capitals keeps as its own:
# "Play A Chaos Of Desire", "The New Timer", "The Song Remains The Same" (before it), "Morning Song", "Fill
# Yourself With Music" (after it).
_TITLE_OWN_BEFORE = frozenset({"the", "a", "an", "new", "song"})
_TITLE_OWN_AFTER = frozenset({"song", "music"})


def as_written(name: str, cased: str) -> str:
    """A title as written: a capitalised "The", "A", "Song"... next to its capitalised words is its own ("play
    The Second Adventure album" keeps "the", "play the Rave Tapes album" does not, "play Morning Song" keeps
    "song"); the request's first word (its verb) never is; a name written all in lower case is left as it is."""
    bare = name.removeprefix("the ")
    words, target = cased.split(), bare.split()
    low = [w.casefold() for w in words]
    for i in range(len(words) - len(target), 0, -1):
        if target and low[i : i + len(target)] == target and words[i][:1].isupper():
            start, end = i, i + len(target)
            while start > 1 and words[start - 1][:1].isupper() and low[start - 1] in _TITLE_OWN_BEFORE:
                start -= 1
            while end < len(words) and words[end][:1].isupper() and low[end] in _TITLE_OWN_AFTER:
                end += 1
            return " ".join(low[start:end])
    return name


def _cased_extent(name: str, cased: str) -> str:
    words, target = cased.split(), name.split()
    if not target:
        return name
    low = [w.casefold() for w in words]
    for i in range(len(words) - len(target), -1, -1):
        if low[i : i + len(target)] != target or not words[i][:1].isupper():
            continue
        end = i + len(target)
        if i > 1 and words[i - 1] in {"The", "My", "Your", "A"}:
            name = f"{low[i - 1]} {name}"
        if end < len(words) and words[end] == "Playlist":
            name = f"{name} playlist"
        break
    return name


def add_to_playlist(
    item: str, playlist: str, possessives: frozenset[str] = frozenset(), cased: str = ""
) -> dict[str, Any]:
    """ADD_TO_PLAYLIST's parameters: the playlist, and the track named (`title`, `artist`) or "it"."""
    out: dict[str, Any] = {"playlist": playlist_name(playlist, possessives, cased)}
    item = item.strip()
    if not item or _THIS.match(item):
        out["reference"] = "it"
        return out
    said = describe(item, possessives, added=True)
    for key in ("title", "artist", "album"):
        if key in said:
            out[key] = said[key]
    if not ({"title", "artist", "album"} & out.keys()) and said.get("query"):
        out["title"] = said["query"]
    if not ({"title", "artist", "album"} & out.keys()):
        out["reference"] = "it"
    return out
