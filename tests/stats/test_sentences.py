"""Norwegian sentences generated from results."""

from __future__ import annotations

import numpy as np
import pytest

from oppvekst.stats.comparison import compare
from oppvekst.stats.crossing import cross
from oppvekst.stats.sentences import (
    benchmark_phrase,
    comparison_sentence,
    correlation_sentence,
    group_value_note,
    trend_sentence,
)
from oppvekst.stats.trend import trend


def test_the_issue_examples() -> None:
    sig = compare(50, 45, 55, 43, 57, 40, "none").item()
    assert comparison_sentence("andelen", sig, benchmark_phrase("country"), "none") == (
        "Andelen er signifikant høyere enn landsgjennomsnittet."
    )
    flat = trend([0.1, 0.11, 0.1, 0.1, 0.11], [0.05] * 5, [0.16] * 5, "higher_better")
    assert trend_sentence(flat) == "Ingen signifikant endring de siste fem årene."


@pytest.mark.parametrize(
    ("sig", "polarity", "words"),
    [
        ("better", "higher_better", ["høyere", "(bedre)"]),
        ("better", "lower_better", ["lavere", "(bedre)"]),
        ("much_worse", "higher_better", ["lavere", "99,8", "(mye dårligere)"]),
        ("similar", "higher_better", ["ikke signifikant forskjellig"]),
        ("not_compared", "none", ["kan ikke sammenlignes"]),
    ],
)
def test_comparison_sentences(sig: str, polarity: str, words: list[str]) -> None:
    text = comparison_sentence("Andelen", sig, benchmark_phrase("county", "Vestland"), polarity)
    assert all(w in text for w in words)
    assert "snittet for Vestland" in text and text.endswith(".")


def test_trend_sentences_follow_the_result() -> None:
    y = np.array([0.10, 0.12, 0.14, 0.16, 0.18])
    rising = trend(y, y - 0.005, y + 0.005, "lower_better")
    assert trend_sentence(rising, "andelen") == (
        "Andelen har økt signifikant de siste fem årene, og utviklingen går i feil retning."
    )
    short = trend(y[:3], y[:3] - 0.01, y[:3] + 0.01, "none")
    assert "kan ikke testes" in trend_sentence(short) and "her er det 3" in trend_sentence(short)


def test_correlation_sentences() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(size=100)
    text = correlation_sentence(cross(x, x + 0.3 * rng.normal(size=100)))
    assert text.startswith("Det er en sterk positiv sammenheng") and "100 kommuner" in text


def test_group_value_note_counts_and_lists_the_missing_members() -> None:
    note = group_value_note(["Sokndal 1111", "Gjemnes 1557"], 39, "kommuner")
    assert note == (
        "Gruppeverdien kan ikke beregnes: 2 av 39 kommuner mangler tall "
        "(Sokndal 1111, Gjemnes 1557)."
    )
    many = group_value_note([f"K {i}" for i in range(10)], 40, shown=3)
    assert "10 av 40 områder" in many and many.endswith("(K 0, K 1, K 2 og 7 til).")
