"""Hindi as callers say it, rewritten into the English words the rules of `understanding` read.

Whisper's Hindi mode writes Devanagari, sometimes romanized Hindi, and English loanwords in either
script ("टेबल", "बुकिंग", "table"). Rather than a second copy of every rule, `to_english` rewrites the
words that carry a booking's meaning (numbers, days, parts of the day, yes and no, request verbs) into
the forms the English rules read, longest phrase first on whole words, and passes everything else
through (names above all): "कल शाम साढ़े सात बजे चार लोग" -> "tomorrow evening half past 7 oclock 4 people".

Dates need this as well as dateparser: dateparser reads "परसों" as two days ago and has no "अगले
शुक्रवार", while a booking means the day after tomorrow and next Friday ("कल" is tomorrow too).
"""

import re
import unicodedata

_DIGITS = str.maketrans("०१२३४५६७८९", "0123456789")

_NUMBERS = {
    "एक": 1, "दो": 2, "तीन": 3, "चार": 4, "पांच": 5, "छह": 6, "छः": 6, "छे": 6, "सात": 7, "आठ": 8, "नौ": 9,
    "दस": 10, "ग्यारह": 11, "बारह": 12, "तेरह": 13, "चौदह": 14, "पंद्रह": 15, "पन्द्रह": 15, "सोलह": 16,
    "सत्रह": 17, "अठारह": 18, "उन्नीस": 19, "बीस": 20,
    "ek": 1, "do": 2, "teen": 3, "tin": 3, "char": 4, "chaar": 4, "paanch": 5, "panch": 5, "chhe": 6, "chhah": 6,
    "saat": 7, "sat": 7, "aath": 8, "ath": 8, "nau": 9, "das": 10, "gyarah": 11, "barah": 12, "baarah": 12,
    "terah": 13, "chaudah": 14, "pandrah": 15, "solah": 16, "satrah": 17, "atharah": 18, "unnis": 19, "bees": 20,
}  # fmt: skip

_WEEKDAYS = {
    "monday": ("सोमवार", "somvar", "somwar"),
    "tuesday": ("मंगलवार", "mangalvar", "mangalwar"),
    "wednesday": ("बुधवार", "budhvar", "budhwar"),
    "thursday": ("गुरुवार", "बृहस्पतिवार", "guruvar", "guruwar", "brihaspativar"),
    "friday": ("शुक्रवार", "shukravar", "shukrawar"),
    "saturday": ("शनिवार", "shanivar", "shaniwar"),
    "sunday": ("रविवार", "इतवार", "ravivar", "raviwar", "itwar", "itvar"),
}
_MONTHS = {
    "january": ("जनवरी",),
    "february": ("फरवरी",),
    "march": ("मार्च",),
    "april": ("अप्रैल",),
    "may": ("मई",),
    "june": ("जून",),
    "july": ("जुलाई",),
    "august": ("अगस्त",),
    "september": ("सितंबर", "सितम्बर"),
    "october": ("अक्टूबर", "अक्तूबर"),
    "november": ("नवंबर", "नवम्बर"),
    "december": ("दिसंबर", "दिसम्बर"),
}

# English forms -> the Hindi phrases (after `_clean`: no nukta, candrabindu as anusvara) that mean them.
_PHRASES: dict[str, tuple[str, ...]] = {
    # yes / no
    "yes": ("हां", "हां जी", "जी हां", "हांजी", "हा", "haan", "han", "haan ji", "ji haan", "haanji", "hanji", "ha"),
    "okay": ("ठीक है", "ठीक", "चलेगा", "ओके", "theek hai", "thik hai", "theek", "thik", "chalega"),
    "correct": ("सही है", "सही", "sahi hai", "sahi"),
    "absolutely": ("बिल्कुल", "बिलकुल", "जरूर", "bilkul", "zaroor", "jaroor", "jarur"),
    "go ahead": ("कर दो", "कर दीजिए", "कर दीजिये", "कर दें", "kar do", "kar dijiye"),
    "no": ("नहीं", "नही", "जी नहीं", "नहीं जी", "नहीं चाहिए", "nahi", "nahin", "nahi chahiye", "ji nahi"),
    "don't": ("मत", "mat"),
    "wrong": ("गलत", "galat"),
    "maybe": ("शायद", "shayad"),
    "i don't know": ("पता नहीं", "मालूम नहीं", "pata nahi", "pata nahin", "maloom nahi", "malum nahi"),
    # dates
    "today": ("आज", "aaj", "aj"),
    "tonight": ("आज रात", "aaj raat"),
    "this evening": ("आज शाम", "aaj shaam", "aaj sham"),
    "tomorrow": ("कल", "kal"),
    "day after tomorrow": ("परसों", "परसो", "parson", "parso", "parsoon"),
    "next": ("अगले", "अगला", "अगली", "agle", "agla", "agli"),
    "this": ("इस", "इसी"),
    "coming": ("आने वाले", "आने वाला", "aane wale", "aane wala"),
    # parts of the day (the rules read "evening" and "night" as pm, "morning" as am)
    "morning": ("सुबह", "subah", "subha"),
    "pm": ("दोपहर", "dopahar", "dopehar"),
    "evening": ("शाम", "shaam", "sham"),
    "night": ("रात", "raat", "rat"),
    # clock
    "oclock": ("बजे", "बज", "baje", "bje"),
    "half past": ("साढे", "sadhe", "saadhe", "sade"),
    "quarter past": ("सवा", "sawa", "sava"),
    "quarter to": ("पौने", "paune", "pone"),
    "half past 1": ("डेढ", "dedh", "derh"),
    "half past 2": ("ढाई", "dhai", "dhaai"),
    "minutes": ("मिनट", "minat"),
    "bajkar": ("बजकर", "bajkar", "baj kar"),
    # party
    "people": ("लोग", "लोगों", "लोगो", "व्यक्ति", "आदमी", "जने", "log", "logon", "logo", "vyakti", "aadmi"),
    "we are": ("हम", "हम लोग", "ham", "hum", "hum log"),
    "just me": ("सिर्फ मैं", "केवल मैं", "अकेला", "अकेली", "अकेले", "sirf main", "akela", "akeli", "akele"),
    # requests
    "book": ("बुक", "बुकिंग करनी", "बुक करनी", "बुक करना"),
    "booking": ("बुकिंग",),
    "table": ("टेबल", "टेबिल", "मेज"),
    "reserve": ("रिजर्व", "आरक्षण", "reserve"),
    "seats": ("सीट", "सीटें"),
    "cancel": ("रद्द", "कैंसल", "कैन्सल", "केंसल", "radd", "rad", "cancil"),
    "change": ("चेंज", "बदल", "badal", "badlo", "badalna", "badalni"),
    "open": ("खुला", "खुले", "खुलते", "खुलता", "खुलती", "खुलने", "खुलेगा", "khula", "khule", "khulte", "khulta"),
    "close": ("बंद होते", "बंद होता", "बंद करते", "band hote", "band hota"),
    "timings": ("समय क्या है", "क्या समय है", "टाइमिंग", "टाइमिंग्स", "samay kya hai", "timing"),
    "where": ("कहां", "किधर", "kahan", "kaha", "kidhar"),
    "address": ("पता क्या है", "एड्रेस", "pata kya hai"),
    "directions": ("रास्ता", "rasta"),
    "speak to someone": ("किसी से बात", "kisi se baat"),
    "manager": ("मैनेजर", "मालिक", "malik"),
    "staff": ("स्टाफ",),
    "leave a message": ("मैसेज छोड", "संदेश छोड", "message chhod"),
    "that's all": ("बस इतना ही", "बस इतना", "बस", "bas itna hi", "bas"),
    "nothing else": ("और कुछ नहीं", "कुछ नहीं", "aur kuch nahi", "kuch nahi"),
    "thanks": ("धन्यवाद", "शुक्रिया", "थैंक यू", "dhanyavad", "dhanyawad", "shukriya"),
    "bye": ("बाय", "अलविदा", "alvida"),
    "my name is": ("मेरा नाम", "mera naam", "mera nam"),
    "name is": ("नाम", "naam"),
    # filler that would otherwise read as part of a name or a number
    "": (
        "है", "हैं", "हूं", "था", "थी", "जी", "को", "का", "की", "के", "में", "से", "पर", "भी", "तो", "ही", "और",
        "मुझे", "हमें", "करनी", "करना", "करवानी", "करवाना", "चाहिए", "चाहता", "चाहती", "चाहते", "करें", "करो",
        "दीजिए", "दो जी", "वाली", "वाला", "वाले", "कृपया", "प्लीज", "मैं",
        "hai", "hain", "hoon", "ji", "ko", "ka", "ki", "ke", "mein", "me", "se", "bhi", "to", "hi", "aur",
        "mujhe", "hume", "humein", "karni", "karna", "chahiye", "karen", "karo", "wali", "wala", "wale", "main",
    ),
}  # fmt: skip
for _english, _names in _WEEKDAYS.items():
    _PHRASES[_english] = _names
for _english, _names in _MONTHS.items():
    _PHRASES[_english] = _names


def _clean(text: str) -> str:
    # One spelling per word: no nukta (ज़ -> ज), candrabindu as anusvara (हाँ -> हां), ASCII digits, no dandas.
    text = unicodedata.normalize("NFD", text).replace("\u093c", "").replace("\u0901", "\u0902")
    text = unicodedata.normalize("NFC", text).translate(_DIGITS).lower()
    text = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", text)
    return re.sub(r"[।॥,!?;\"“”()]", " ", text)


_TABLE: dict[tuple[str, ...], str] = {}
for _english, _spoken in _PHRASES.items():
    for _phrase in _spoken:
        _TABLE[tuple(_clean(_phrase).split())] = _english
for _word, _value in _NUMBERS.items():
    _TABLE[(_clean(_word),)] = str(_value)
# "के लिए" after a number is "for N"; after anything else it carries nothing.
for _phrase in ("के लिए", "के लिये", "ke liye", "ke lie", "ki liye"):
    _TABLE[tuple(_clean(_phrase).split())] = "for_"
# Stems whose endings vary (बदलना, बदलनी, बदलवाना): the first word starting with one.
_STEMS = (("बदल", "change"), ("खुल", "open"), ("कैंसल", "cancel"), ("रद्द", "cancel"), ("बुकिंग", "booking"))
_LONGEST = max(len(key) for key in _TABLE)
# The phrases of a yes or a no: what `answer_words` rewrites.
_ANSWER_TABLE = {
    key: english
    for key, english in _TABLE.items()
    if english in {"yes", "okay", "correct", "absolutely", "go ahead", "no", "don't", "wrong", "maybe", "i don't know"}
}
_WHOLE_ANSWERS = {"जी": "yes", "ji": "yes", "ना": "no", "na": "no"}
_NAME_UNDER = re.compile(r"(?:(\S+) )?(\S+) (?:के|की|ke|ki) (?:नाम|naam|nam) (?:से|पर|se|par)(?!\S)")


def _under(match: re.Match[str]) -> str:
    # "राहुल शर्मा के नाम से" -> "under राहुल शर्मा"; a word the table knows ("टेबल") is no part of a name.
    first, last = match.group(1), match.group(2)
    if first and (first,) not in _TABLE:
        return f"under {first} {last} "
    return f"{first} under {last} " if first else f"under {last} "


def to_english(text: str) -> str:
    """The caller's Hindi (Devanagari, romanized, or mixed with English) in the English rules' words."""
    cleaned = _clean(text).strip()
    if cleaned in _WHOLE_ANSWERS:
        return _WHOLE_ANSWERS[cleaned]
    cleaned = _NAME_UNDER.sub(_under, cleaned)
    joined = " ".join(w for w in _rewrite(cleaned.split(), _TABLE, _STEMS) if w)
    joined = re.sub(r"\b(\d{1,2}) for_", r"for \1", joined)
    joined = re.sub(r"\b(\d{1,2}) bajkar (\d{1,2})(?: minutes)?\b", r"\1:\2", joined)
    joined = re.sub(r"\b(\d{1,2}) (?:तारीख|tarikh|tareekh)\b", lambda m: f"the {_ordinal(int(m.group(1)))}", joined)
    return re.sub(r"\s+", " ", joined.replace("for_", " ")).strip()


def answer_words(text: str) -> str:
    """Only the words of a yes or a no rewritten ("Haan ji, theek hai" -> "yes okay"), the rest left as it is.

    For reading an answer on a call in any language: callers say "haan" and "nahi" on English calls too.
    """
    cleaned = _clean(text).strip()
    if cleaned in _WHOLE_ANSWERS:
        return _WHOLE_ANSWERS[cleaned]
    return " ".join(_rewrite(cleaned.split(), _ANSWER_TABLE, ()))


def _rewrite(words: list[str], table: dict[tuple[str, ...], str], stems: tuple[tuple[str, str], ...]) -> list[str]:
    """The words with each phrase of `table` replaced, longest first, then each word starting with a stem."""
    out: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(_LONGEST, len(words) - i), 0, -1):
            english = table.get(tuple(words[i : i + size]))
            if english is not None:
                out.append(english)
                i += size
                break
        else:
            word = words[i]
            out.append(next((english for stem, english in stems if word.startswith(stem)), word))
            i += 1
    return out


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


LANGUAGE_NAMES = {
    "hi": ("hindi", "हिंदी", "हिन्दी"),
    "en": ("english", "इंग्लिश", "अंग्रेजी", "angrezi", "angreji"),
}


def language_asked(text: str) -> str | None:
    """The language a short answer names ("Hindi please", "हिंदी में", "English"), else None."""
    words = _clean(text).replace(".", " ").split()
    if not words or len(words) > 4:
        return None
    for code, names in LANGUAGE_NAMES.items():
        if any(word in names for word in words):
            return code
    return None
