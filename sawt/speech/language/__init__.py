"""The engine's language pieces, one of each: text normalisation, numbers as said and written, and
classification by example phrases.

- :func:`normalize` (``normalize.py``): NFKC, apostrophe and dash variants, case folding, punctuation,
  optionally digits spelled as words; :func:`closes_sentence`.
- ``numbers.py``: :func:`parse_number` ("thirty five", "a couple", "nineteen ninety" with ``years``),
  :func:`find_numbers`, :func:`words_to_digits`, :func:`parse_ordinal`, and the reverse,
  :func:`number_to_words`, :func:`ordinal_to_words`, :func:`digits_to_words`.
- :class:`ExampleClassifier` (``classifier.py``): example phrases per label, nearest by sentence embedding.
"""

from sawt.speech.language.classifier import Classification, ExampleClassifier
from sawt.speech.language.normalize import closes_sentence, normalize
from sawt.speech.language.numbers import (
    NumberMatch,
    digits_to_words,
    find_numbers,
    number_to_words,
    ordinal_to_words,
    parse_number,
    parse_ordinal,
    words_to_digits,
)

__all__ = [
    "Classification",
    "ExampleClassifier",
    "NumberMatch",
    "closes_sentence",
    "digits_to_words",
    "find_numbers",
    "normalize",
    "number_to_words",
    "ordinal_to_words",
    "parse_number",
    "parse_ordinal",
    "words_to_digits",
]
