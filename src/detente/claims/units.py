"""What a test's effect is measured in, in words: set on each ``Component`` where the test is made (the kinds
know their measure), read by the report's summary and the dashboard.

Internal: the words the claims' kinds attach to their components; not part of the Python API.

>>> level("tone"), difference("tone"), shift("goldstein")
('tone (-1 .. +1)', 'difference in tone (-2 .. +2)', 'weekly mean shift in Goldstein score (-20 .. +20)')
>>> difference("volume")  # an unbounded measure keeps its own words
'difference in volume (‰ of world news)'
"""

from __future__ import annotations

import re

__all__: list[str] = []

MEASURES = {
    "tone": "tone (-1 .. +1)",
    "net": "net cooperation (-1 .. +1)",
    "goldstein": "Goldstein score (-10 .. +10)",
    "index": "index (‰ of world volume)",
    "volume": "volume (‰ of world news)",
    "count": "interaction rate (per day)",
    "intensity": "intensity (score per the dyad's typical volume)",
}
EVENTS = "events recorded"
DAYS = "days with such interaction"
SHARE_OF_DYADS = "share of the dyads (0 .. 1)"
BREAK_DAYS = "days between the claimed date and the strongest break"
LAGGED = "standard deviations of the second series per SD of the first (lags summed)"
BLOC_AGREEMENT = "difference in weighted sign agreement (-2 .. +2)"
SHARE_CHANGE = "change in share (0 .. 1)"
POINTS = "percentage points"
PERCENT = "% (0 .. 100)"
IDEAL_DISTANCE = "difference in UN ideal-point distance (ideal-point units)"


def level(measure: str) -> str:
    return MEASURES.get(measure, measure)


def difference(measure: str) -> str:
    """A difference of two values of ``measure``: a bounded range doubles (tone: -2 .. +2)."""
    return "difference in " + _doubled(level(measure))


def shift(measure: str) -> str:
    return "weekly mean shift in " + _doubled(level(measure))


def _doubled(words: str) -> str:
    m = re.fullmatch(r"(.*) \(-(\d+) \.\. \+(\d+)\)", words)
    return f"{m[1]} (-{2 * int(m[2])} .. +{2 * int(m[3])})" if m else words
