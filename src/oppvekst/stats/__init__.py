"""Statistics for Oppvekststatus: pure, typed, vectorised functions with no I/O.

Modules: ``intervals`` (Wilson, Byar/exact Poisson, t), ``comparison`` (benchmark comparison,
quintiles, group values), ``trend`` (chi-square test for linear trend), ``suppression`` (primary
and secondary disclosure control; what a reader can derive is in ``disclosure_bounds``),
``harmonisation`` (crosswalk arithmetic), ``crossing`` (correlation of two indicators),
``composite`` (composite index with uncertainty), ``similarity`` (similar municipalities) and
``sentences`` (Norwegian plain-language text). See docs/statistics.md for the methods as users see
them explained.
"""

from oppvekst.stats.comparison import Polarity, Significance, compare, group_value, quintiles
from oppvekst.stats.intervals import Interval, IntervalMethod, interval
from oppvekst.stats.trend import Trend, TrendKind, trend

__all__ = [
    "Interval",
    "IntervalMethod",
    "Polarity",
    "Significance",
    "Trend",
    "TrendKind",
    "compare",
    "group_value",
    "interval",
    "quintiles",
    "trend",
]
