"""What the coach says, as text: numbers in words, counts, hold times, corrections, summaries; pure functions."""

from __future__ import annotations

import re

from ..library.labels import move_of
from ..match.combo_events import ComboRun

_ONES = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
]  # fmt: skip
_TENS = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def number_words(n: int) -> str:
    """0..999 in English words ("ninety-two"); the engine then reads every count the same way, and a small
    vocabulary of phrases is cached."""
    if n < 0:
        return "minus " + number_words(-n)
    if n < 20:
        return _ONES[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _TENS[tens] + ("" if ones == 0 else "-" + _ONES[ones])
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return _ONES[hundreds] + " hundred" + ("" if rest == 0 else " and " + number_words(rest))
    return str(n)


def count_phrase(count: int, score: float | None) -> str:
    """A rep: its number, then its score ("Seven. Ninety-two.")."""
    said = number_words(count).capitalize() + "."
    return said if score is None else f"{said} {number_words(round(score)).capitalize()}."


def seconds_phrase(seconds: int) -> str:
    return f"{number_words(seconds).capitalize()} second{'' if seconds == 1 else 's'}."


def correction_phrase(message: str) -> str:
    """A feedback message ("left arm: extend further") as one sentence the engine reads with a pause."""
    text = message.strip().rstrip(".")
    return text[:1].upper() + text[1:] + "."


def summary_phrase(reps: int, best: float | None, mean: float | None) -> str:
    """The end of a set: how many reps, the best and the average score."""
    if reps == 0:
        return "Set done. No reps."
    said = f"Set done. {number_words(reps).capitalize()} rep{'' if reps == 1 else 's'}."
    if best is not None:
        said += f" Best {number_words(round(best))}."
    if mean is not None and reps > 1:
        said += f" Average {number_words(round(mean))}."
    return said


def run_phrase(run: ComboRun) -> str:
    """A combination run: its score, then at most two things that went wrong, else that all was in order."""
    said = f"Combination: {number_words(round(run.score))}."
    problems = [_sentence(p.text(spoken_move, number_words)) for p in run.problems]
    return " ".join([said, *problems[:2]]) if problems else f"{said} All in order."


def _sentence(words: str) -> str:
    return f"{words[:1].upper()}{words[1:]}."


def spoken_move(label: str) -> str:
    """A move's name as a coach says it: 'Cross / straight, right - side' (or its move) -> 'cross, right'."""
    # "Front kick (teep)": the first name is enough; a user's "front_kick" is said as two words.
    move = re.sub(r"\s*\(.*?\)", "", move_of(label) or label).replace("_", " ")
    name, _, side = move.partition(",")
    return f"{name.split('/')[0].strip().lower()}{',' + side if side else ''}"


COMMAND_PHRASES = {
    "record": "Recording.",
    "record_stop": "Recording stopped.",
    "next": "Next move.",
    "end_set": "",  # the summary says it
}
