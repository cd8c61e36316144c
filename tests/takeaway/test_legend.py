"""The legend is declared once and complete: every flag the pipeline can write has Norwegian words,
and every empty value of an answer gets a symbol and its reason."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from oppvekst.exports.legend import explain_missing, words
from oppvekst.pipeline.flags import with_flag
from oppvekst.snapshot.store import Store
from oppvekst.snapshot.table import FLAG_LABELS, FLAG_SEPARATOR, SYMBOL_LABELS

PIPELINE = Path(__file__).resolve().parents[2] / "src" / "oppvekst" / "pipeline"


def _names_flags(node: ast.AST) -> bool:
    """An assignment target that is a "flags" column: x["flags"], x.loc[rows, "flags"]."""
    return isinstance(node, ast.Subscript) and any(
        isinstance(n, ast.Constant) and n.value == "flags" for n in ast.walk(node.slice)
    )


def _strings(node: ast.AST) -> set[str]:
    """The texts a value can produce (constants outside comparisons: "a" in x == "a" is not)."""
    compared = {id(c) for n in ast.walk(node) if isinstance(n, ast.Compare) for c in ast.walk(n)}
    # Column names read on the right (out["flags"] in with_flag(out["flags"], …)) are no values.
    compared |= {
        id(c) for n in ast.walk(node) if isinstance(n, ast.Subscript) for c in ast.walk(n.slice)
    }
    return {
        n.value
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in compared
    }


def pipeline_flags() -> set[str]:
    """Every flag written anywhere in the pipeline: x["flags"] = …, x.loc[…, "flags"] = …,
    and flags=… in a call."""
    found: set[str] = set()
    for path in PIPELINE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Assign) and any(_names_flags(t) for t in node.targets)) or (
                isinstance(node, ast.keyword) and node.arg == "flags"
            ):
                found |= _strings(node.value)
    return found


def test_every_flag_the_pipeline_writes_has_norwegian_words() -> None:
    flags = pipeline_flags()
    assert {"harmonised", "aggregated"} <= flags  # the scan sees the pipeline's flags at all
    assert flags <= set(FLAG_LABELS), flags - set(FLAG_LABELS)


def test_every_flag_in_a_built_snapshot_has_norwegian_words(store: Store) -> None:
    written = store.frame("SELECT DISTINCT flags FROM observations WHERE flags IS NOT NULL")
    keys = {k for text in written["flags"] for k in str(text).split(FLAG_SEPARATOR)}
    assert keys and keys <= set(FLAG_LABELS)
    assert all(label.strip() and label != key for key, label in FLAG_LABELS.items())


def test_an_empty_value_gets_a_symbol_and_a_reason() -> None:
    # Haram 1580 andel-barn-0-17: numerator 7 006, denominator 0; Moskenes: nothing published;
    # Kvitsøy: the source's "*"; a secondary suppression; a value; a NaN status (once "nan").
    value = np.array([np.nan, np.nan, np.nan, np.nan, 51.0, np.nan])
    status = np.array([None, None, "*", ":", None, float("nan")], dtype=object)
    flags = np.array([None, None, None, "secondary_suppression", "harmonised", None], dtype=object)
    denominator = np.array([0.0, np.nan, np.nan, 12.0, 40.0, 5.0])
    got_status, got_flags = explain_missing(value, status, flags, denominator)
    assert got_status.tolist() == [".", "..", "*", ":", None, ".."]
    assert got_flags.tolist() == [
        "zero_denominator",
        "not_published",
        None,
        "secondary_suppression",
        "harmonised",
        "not_published",
    ]
    assert {s for s in got_status.tolist() if s} <= set(SYMBOL_LABELS)


def test_flags_in_words_keep_an_unknown_key_rather_than_lose_it() -> None:
    spelled = words(
        np.array(["harmonised;aggregated", None, "new_flag"], dtype=object), FLAG_LABELS
    )
    assert spelled.tolist() == [
        f"{FLAG_LABELS['harmonised']}; {FLAG_LABELS['aggregated']}",
        None,
        "new_flag",
    ]


def test_a_flag_added_by_the_audits_must_be_declared_first() -> None:
    flags = pd.Series(["harmonised", None])
    assert with_flag(flags, [True, True], "estimate").tolist() == [
        "harmonised;estimate",
        "estimate",
    ]
    with pytest.raises(ValueError, match="not declared"):
        with_flag(flags, [True, False], "guessed")
