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


def test_a_value_not_compared_says_the_real_reason() -> None:
    from oppvekst.stats.sentences import not_compared_sentence

    land = benchmark_phrase("country")
    texts = {
        reason: comparison_sentence("Gjennomføring", "not_compared", land, "higher_better", reason)
        for reason in ("no_value", "count", "no_benchmark", "not_published", "no_interval")
    }
    assert len(set(texts.values())) == 5  # five reasons, five different explanations
    # Upper-secondary completion: an interval exists, the national value does not.
    no_benchmark = not_compared_sentence("Gjennomføring", "no_benchmark", land, "2011-2013")
    assert no_benchmark == (
        "Gjennomføring kan ikke sammenlignes med landsgjennomsnittet, "
        "fordi landsgjennomsnittet mangler tall for 2011-2013."
    )
    assert "usikkerhet" not in no_benchmark
    assert "kilden ikke oppgir usikkerhet" in texts["not_published"]
    assert "usikkerhet" not in texts["no_value"] and "antall" in texts["count"]


def test_the_summary_claims_no_difference_only_over_what_was_compared() -> None:
    from oppvekst.stats.comparison import NotCompared
    from oppvekst.stats.sentences import comparison_summary

    land = benchmark_phrase("country")
    none_compared = comparison_summary(
        land, 0, 0, {NotCompared.NO_VALUE: ["A", "B"], NotCompared.COUNT: ["C"]}
    )
    assert not any("skiller seg" in s for s in none_compared)
    assert none_compared == [
        "Ingen av nøkkelindikatorene kunne sammenlignes statistisk med landsgjennomsnittet.",
        "3 av 3 kunne ikke sammenlignes: området mangler tall (A og B); "
        "et antall sammenlignes gjennom andelen, ikke med et større områdes antall (C).",
    ]
    some = comparison_summary(
        land, 0, 2, {NotCompared.NO_BENCHMARK: ["Gjennomføring"]}, ["2024", "2013", "2024"]
    )
    assert some[0] == (
        "Ingen av de 2 nøkkelindikatorene som kunne sammenlignes, skiller seg signifikant "
        "fra landsgjennomsnittet."
    )
    assert some[1].startswith("1 av 3 kunne ikke sammenlignes")
    assert "ulike perioder (2024 og 2013)" in some[2]
    one_period = comparison_summary(land, 1, 1, {}, ["2024", "2024"])
    assert one_period == [
        "1 av de 1 nøkkelindikatorene som kunne sammenlignes, skiller seg signifikant "
        "fra landsgjennomsnittet."
    ]
