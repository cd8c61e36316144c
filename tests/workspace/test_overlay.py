"""The overlay: own rows become observations by the pipeline's functions, national data stay as
published, nothing is summed upwards, and overlays are shared and keyed by what is visible."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.workspace.conftest import People, metadata, synthetic_rows

from oppvekst.language import Language
from oppvekst.snapshot.files import DataDir
from oppvekst.snapshot.store import Store
from oppvekst.stats import intervals
from oppvekst.workspace import library
from oppvekst.workspace.metadata import OwnMetadata
from oppvekst.workspace.overlay import Overlays, OverlayStore, own_parts
from oppvekst.workspace.visibility import Visible


@pytest.fixture(scope="module")
def base(snapshot_dir: Path) -> Store:
    return Store(DataDir(snapshot_dir).current_path())


def _overlay(base: Store, rows: pd.DataFrame, meta: OwnMetadata | None = None) -> OverlayStore:
    seen = Visible(1, 7, "Bærum kommune", "sprak", (meta or metadata()).model_dump_json(), 11)
    return OverlayStore(base, own_parts(base, [seen], rows.assign(version_id=11)), "test")


def test_own_rows_get_the_pipelines_intervals_and_small_count_suppression(base: Store) -> None:
    rows = synthetic_rows(("3201", "3203"))
    rows.loc[0, "numerator"] = 3.0  # 1–4: hidden, as national figures are
    overlay = _overlay(base, rows)
    frame = overlay.observations(["egne-7-sprak"]).sort_values(["region", "period"])
    hidden = frame[(frame["region"] == "3201") & (frame["period"] == "2022")].iloc[0]
    assert hidden["status"] == ":" and np.isnan(hidden["value"]) and np.isnan(hidden["lower95"])
    shown = frame[(frame["region"] == "3203") & (frame["period"] == "2024")].iloc[0]
    source = rows[(rows["region"] == "3203") & (rows["period"] == "2024")].iloc[0]
    assert shown["value"] == pytest.approx(source["numerator"] / source["denominator"] * 100)
    wilson = intervals.interval(
        "wilson",
        value=[shown["value"]],
        numerator=[source["numerator"]],
        denominator=[source["denominator"]],
        multiplier=100,
    )
    assert shown["lower95"] == pytest.approx(float(wilson.lower[0]))
    # Nothing summed upwards: no county or national row made of anyone's own data.
    assert set(frame["region"]) == {"3201", "3203"}
    assert overlay.indicator("egne-7-sprak").owner == "Bærum kommune"
    assert overlay.indicator("egne-7-sprak").title.endswith("(egne data)")


def test_national_data_are_untouched_and_every_query_sees_both(base: Store) -> None:
    overlay = _overlay(base, synthetic_rows())
    national = base.observations(["barn-0-17"], ["3201", "0"])
    pd.testing.assert_frame_equal(overlay.observations(["barn-0-17"], ["3201", "0"]), national)
    assert overlay.periods("egne-7-sprak") == ["2022", "2023", "2024"]
    assert overlay.latest_period("egne-7-sprak") == "2024"
    assert "egne-7-sprak" in overlay.indicators_with_data
    assert "egne-7-sprak" not in base.indicators and "egne-7-sprak" not in base.indicators_with_data
    both = overlay.observations(["barn-0-17", "egne-7-sprak"], ["3201"])
    assert set(both["indicator_id"]) == {"barn-0-17", "egne-7-sprak"}
    assert overlay.cache_identity != base.cache_identity == base.snapshot_id
    assert overlay.snapshot_id == base.snapshot_id
    assert overlay.topics[-1]["id"] == "egne-data"
    # A shallow copy (a language copy) shares the overlay's table instead of building its own.
    assert copy.copy(overlay).observation_table is overlay.observation_table


def test_overlays_are_per_visible_set_and_none_without_own_data(
    base: Store, people: People
) -> None:
    store = people.store
    overlays = Overlays(kept=2)
    asker = people.viewers["editor@asker"]
    assert overlays.store_for(base, store, None) is base  # type: ignore[arg-type]
    assert overlays.store_for(base, store, asker) is base  # type: ignore[arg-type]
    editor, reader = people.viewers["editor@baerum"], people.viewers["reader@baerum"]
    info = library.create_indicator(store, editor, metadata("Overlagsprøve"))  # type: ignore[arg-type]
    library.add_version(store, editor, info.id, synthetic_rows(), "a.csv")  # type: ignore[arg-type]
    first = overlays.store_for(base, store, editor)  # type: ignore[arg-type]
    assert info.indicator_id in first.indicators
    assert overlays.store_for(base, store, reader) is first  # one organisation, one overlay
    assert overlays.store_for(base, store, asker) is base  # type: ignore[arg-type]
    library.add_version(store, editor, info.id, synthetic_rows(seed=5), "b.csv")  # type: ignore[arg-type]
    second = overlays.store_for(base, store, editor)  # type: ignore[arg-type]
    assert second is not first and second.cache_identity != first.cache_identity
    values = second.observations([info.indicator_id])["numerator"].tolist()
    assert values == synthetic_rows(seed=5)["numerator"].tolist()


def test_the_answer_cache_keeps_each_overlays_answers_apart() -> None:
    """Keyed on cache_identity: an organisation's answer is never replayed to anyone else, and
    overlay answers do not flush the public ones (same snapshot)."""
    from oppvekst.api.answers import Answer, AnswerCache

    cache = AnswerCache(max_bytes=1000, max_entry_bytes=500)
    cache.put(("snap", "json", "q"), Answer(b"offentlig", "application/json", None))
    cache.put(("snap+aaaa", "json", "q"), Answer(b"egne", "application/json", None))
    public, own = cache.get(("snap", "json", "q")), cache.get(("snap+aaaa", "json", "q"))
    assert public is not None and public.body == b"offentlig"
    assert own is not None and own.body == b"egne"
    assert cache.get(("snap+bbbb", "json", "q")) is None


def test_the_portals_words_on_an_own_indicator_follow_the_language(base: Store) -> None:
    """The mark, the notes and the «Egne data» topic are the portal's words: nynorsk and English
    readers get them in their language, while the owner's own texts stay as written."""
    overlay = _overlay(base, synthetic_rows(("3201",)))
    owner = metadata()
    expected = {
        Language.nb: ("(egne data)", "Egne data", "Lastet opp av", "Kilde:"),
        Language.nn: ("(eigne data)", "Eigne data", "Lasta opp av", "Kjelde:"),
        Language.en: ("(own data)", "Own data", "Uploaded by", "Source:"),
    }
    for lang, (mark, topic, uploaded, source) in expected.items():
        shown = overlay.in_language(lang)
        own = shown.indicator("egne-7-sprak")
        assert own.title == f"{owner.title} {mark}"
        assert own.short_title == f"{owner.short_title} {mark}"
        assert own.definition == owner.definition  # the owner's words, as written
        assert own.source.title.startswith(uploaded)
        assert own.attribution.startswith(source) and own.attribution.endswith(f"{mark}")
        titles = {t["id"]: t["title"] for t in shown.topics}
        assert titles["egne-data"] == topic
        if lang is not Language.nb:
            words = f"{own.title} {own.rationale} {own.disclosure.note} {own.licence}"
            assert "egne data" not in words.lower() and "Lastet" not in words
