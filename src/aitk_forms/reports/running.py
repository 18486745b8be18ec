"""Running figures for the reports: each response is looked at once and let go, so a report over ten thousand
stored responses holds counters and sums, not the responses.

The mean and the spread are kept as exact fractions (sums of the scores and of their squares: binary floats are
fractions exactly), so they come out to the bit as statistics.fmean and statistics.pstdev give them over a list,
and the reports stay byte-identical whichever way they are computed."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator
from fractions import Fraction

from ..outcomes import FileResult

# Bits the scaled square root carries: more than a float's 53 plus the rounding bit, so the sticky bit below
# decides ties exactly as the exact root would.
_ROOT_BITS = 120


class Responses:
    """One form's accepted responses, read again from their source each time they are iterated."""

    def __init__(self, replay: Callable[[], Iterator[FileResult]], count: int):
        self._replay, self._count = replay, count

    def __iter__(self) -> Iterator[FileResult]:
        return iter(self._replay())

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0


class Figures:
    """Count, exact sum and sum of squares, least and greatest of a stream of scores."""

    def __init__(self) -> None:
        self.count = 0
        self.total = Fraction(0)
        self.squares = Fraction(0)
        self.minimum: float | None = None
        self.maximum: float | None = None

    def add(self, value: float) -> None:
        exact = Fraction(value)
        self.count += 1
        self.total += exact
        self.squares += exact * exact
        self.minimum = value if self.minimum is None or value < self.minimum else self.minimum
        self.maximum = value if self.maximum is None or value > self.maximum else self.maximum

    def mean(self) -> float | None:
        # statistics.fmean: the correctly rounded sum, divided by the count.
        return float(self.total) / self.count if self.count else None

    def spread(self) -> float | None:
        """The population standard deviation, correctly rounded as statistics.pstdev rounds it."""
        if not self.count:
            return None
        variance = self.squares / self.count - (self.total / self.count) ** 2
        return sqrt_of_fraction(variance)


def sqrt_of_fraction(value: Fraction) -> float:
    """The square root of a non-negative fraction, correctly rounded to a float."""
    numerator, denominator = value.numerator, value.denominator
    shift = max(0, _ROOT_BITS - (numerator.bit_length() - denominator.bit_length())) // 2
    scaled = numerator << (2 * shift)
    root = math.isqrt(scaled // denominator)  # the floor of the exact root, scaled by 2**shift
    if root * root * denominator != scaled:
        root |= 1  # inexact: an odd last bit keeps the float conversion from rounding a tie the wrong way
    return root / (1 << shift)


class ResultTally:
    """One result over a stream of responses: its score figures, its level counts, how often it was provisional."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.figures = Figures()
        self.levels: Counter[str] = Counter()
        self.provisional = 0

    def add(self, response: FileResult) -> None:
        if self.key in response.scores:
            self.figures.add(float(response.scores[self.key]))
        if self.key in response.levels:
            self.levels[response.levels[self.key]["id"]] += 1
        if self.key in response.provisional:
            self.provisional += 1
