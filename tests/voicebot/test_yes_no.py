"""The yes/no reading against answers as callers give them and Whisper writes them (yes_no_answers.tsv).

The list holds plain answers, refusals in full sentences, hedges, double negatives ("no problem"),
answers inside longer requests, and Hindi and Hinglish ones, each labelled yes, no or unclear.
"""

import csv
from pathlib import Path

from voicebot import understanding as nlu

ANSWERS = Path(__file__).with_name("yes_no_answers.tsv")
READING = {True: "yes", False: "no", None: "unclear"}


def labelled_answers() -> list[tuple[str, str]]:
    with ANSWERS.open(encoding="utf-8", newline="") as f:
        rows = [(row["answer"], row["label"]) for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]
    assert {label for _, label in rows} == {"yes", "no", "unclear"}
    return rows


def test_the_list_holds_at_least_150_answers_of_each_kind():
    rows = labelled_answers()
    assert len(rows) >= 150
    assert all(sum(label == kind for _, label in rows) >= 50 for kind in ("yes", "no", "unclear"))
    assert len({said for said, _ in rows}) == len(rows), "an answer is listed twice"


def test_it_never_reads_a_refusal_as_a_yes():
    misread = [said for said, label in labelled_answers() if label == "no" and nlu.yes_no(said) is True]
    assert misread == []


def test_it_reads_at_least_95_percent_of_the_answers_as_labelled():
    rows = labelled_answers()
    wrong = [(said, label, READING[nlu.yes_no(said)]) for said, label in rows]
    wrong = [row for row in wrong if row[1] != row[2]]
    accuracy = 1 - len(wrong) / len(rows)
    print(f"yes/no accuracy {accuracy:.1%} on {len(rows)} answers; misread: {wrong}")
    assert accuracy >= 0.95, wrong
