"""The workspace library on SQLite and PostgreSQL: roles, organisations, versions, shares,
drafts and the audit trail."""

from __future__ import annotations

import pandas as pd
import pytest
from tests.workspace.conftest import People, metadata, synthetic_rows

from oppvekst.accounts import audit
from oppvekst.errors import (
    DraftNotFound,
    Forbidden,
    InvalidOwnMetadata,
    InvalidOwnRows,
    OwnIndicatorNotFound,
    OwnVersionNotFound,
)
from oppvekst.workspace import library
from oppvekst.workspace.metadata import parse_metadata
from oppvekst.workspace.visibility import version_rows, visible


def test_create_upload_restore_and_the_audit_trail(people: People) -> None:
    store, editor = people.store, people.viewers["editor@baerum"]
    info = library.create_indicator(store, editor, metadata("Versjoner og gjenoppretting"))
    assert info.slug == "versjoner-og-gjenoppretting"
    assert info.indicator_id == f"egne-{people.organisations['baerum']}-{info.slug}"
    assert info.current_version is None and not info.public and info.shared_with == ()
    first = library.add_version(store, editor, info.id, synthetic_rows(seed=1), "a.csv")
    second = library.add_version(store, editor, info.id, synthetic_rows(seed=9), "b.xlsx")
    assert (first.number, second.number) == (1, 2)
    listed = library.versions(store, editor, info.id)
    assert [(v.number, v.current, v.rows, v.filename) for v in listed] == [
        (2, True, 3, "b.xlsx"),
        (1, False, 3, "a.csv"),
    ]
    assert library.restore(store, editor, info.id, first.id).current
    assert library.indicator(store, editor, info.id).current_version == 1
    # The restored version's rows are the first upload's, untouched by the second.
    seen = {v.id: v for v in visible(store, editor)}[info.id]
    assert seen.version_id == first.id
    rows = version_rows(store, [first.id])
    assert rows["numerator"].tolist() == synthetic_rows(seed=1)["numerator"].tolist()
    log = [e.what for e in audit.for_organisation(store, people.viewers["admin@baerum"])]
    for what in ("opprettet-indikator", "lastet-opp", "gjenopprettet-versjon"):
        assert what in log


def test_a_second_indicator_with_the_same_title_gets_its_own_slug(people: People) -> None:
    store, editor = people.store, people.viewers["editor@baerum"]
    a = library.create_indicator(store, editor, metadata("Samme tittel"))
    b = library.create_indicator(store, editor, metadata("Samme tittel"))
    assert (a.slug, b.slug) == ("samme-tittel", "samme-tittel-2")
    assert library.by_slug(store, editor, "samme-tittel-2").id == b.id


def test_readers_read_but_do_not_write(people: People) -> None:
    store, reader = people.store, people.viewers["reader@baerum"]
    info = library.create_indicator(store, people.viewers["editor@baerum"], metadata("Lesere"))
    assert info.id in {i.id for i in library.indicators_for(store, reader)}
    with pytest.raises(Forbidden):
        library.create_indicator(store, reader, metadata())
    with pytest.raises(Forbidden):
        library.add_version(store, reader, info.id, synthetic_rows(), "x.csv")
    with pytest.raises(Forbidden):
        library.put_draft(store, reader, "x.csv", b"a;b")
    with pytest.raises(Forbidden):
        library.delete_indicator(store, reader, info.id)


def test_another_organisation_can_neither_list_read_nor_write(people: People) -> None:
    store = people.store
    owner, stranger = people.viewers["editor@baerum"], people.viewers["admin@asker"]
    info = library.create_indicator(store, owner, metadata("Bare Bærum"))
    library.add_version(store, owner, info.id, synthetic_rows(), "a.csv")
    assert info.id not in {i.id for i in library.indicators_for(store, stranger)}
    assert info.id not in {v.id for v in visible(store, stranger)}
    calls = [
        lambda: library.indicator(store, stranger, info.id),
        lambda: library.by_slug(store, stranger, info.slug),
        lambda: library.versions(store, stranger, info.id),
        lambda: library.update_metadata(store, stranger, info.id, metadata("Kapret")),
        lambda: library.add_version(store, stranger, info.id, synthetic_rows(), "x.csv"),
        lambda: library.restore(store, stranger, info.id, 1),
        lambda: library.share(store, stranger, info.id, [], True),
        lambda: library.delete_indicator(store, stranger, info.id),
    ]
    for call in calls:
        with pytest.raises(OwnIndicatorNotFound):  # the same answer as for no indicator at all
            call()
    assert library.indicator(store, owner, info.id).meta.title == "Bare Bærum"


def test_sharing_is_for_admins_and_makes_it_visible_to_the_named_organisation(
    people: People,
) -> None:
    store = people.store
    editor, admin = people.viewers["editor@baerum"], people.viewers["admin@baerum"]
    asker = people.viewers["editor@asker"]
    info = library.create_indicator(store, editor, metadata("Delt med Asker"))
    library.add_version(store, editor, info.id, synthetic_rows(), "a.csv")
    with pytest.raises(Forbidden):
        library.share(store, editor, info.id, [people.organisations["asker"]], False)
    shared = library.share(store, admin, info.id, [people.organisations["asker"]], False)
    assert shared.shared_with == (people.organisations["asker"],)
    assert info.id in {v.id for v in visible(store, asker)}
    # Asker sees it but cannot change it: it is not Asker's indicator.
    with pytest.raises(OwnIndicatorNotFound):
        library.add_version(store, asker, info.id, synthetic_rows(), "x.csv")
    library.share(store, admin, info.id, [], False)
    assert info.id not in {v.id for v in visible(store, asker)}
    library.share(store, admin, info.id, [], True)
    assert info.id in {v.id for v in visible(store, asker)}
    with pytest.raises(Forbidden):
        library.share(store, admin, info.id, [999_999], False)
    # Who shared what is in the organisation's log (each of the three choices above).
    shares = [e for e in audit.for_organisation(store, admin) if e.what == "delte-indikator"]
    ours = [e for e in shares if e.detail.startswith(f"{info.slug}:")]
    assert len(ours) == 3 and {e.who for e in ours} == {admin.email}, shares  # type: ignore[attr-defined]
    assert ours[0].detail.endswith("offentlig: ja") or ours[-1].detail.endswith("offentlig: ja")


def test_deleting_hides_it_everywhere_and_drops_its_rows(people: People) -> None:
    store, editor = people.store, people.viewers["editor@baerum"]
    info = library.create_indicator(store, editor, metadata("Slettes"))
    version = library.add_version(store, editor, info.id, synthetic_rows(), "a.csv")
    library.delete_indicator(store, editor, info.id)
    assert info.id not in {i.id for i in library.indicators_for(store, editor)}
    assert info.id not in {v.id for v in visible(store, editor)}
    assert version_rows(store, [version.id]).empty
    with pytest.raises(OwnIndicatorNotFound):
        library.versions(store, editor, info.id)
    deleted = [
        e
        for e in audit.for_organisation(store, people.viewers["admin@baerum"])
        if e.what == "slettet-indikator"
    ]
    assert [(e.who, e.detail) for e in deleted] == [(editor.email, info.slug)]  # type: ignore[attr-defined]


def test_restoring_a_version_of_another_indicator_is_refused(people: People) -> None:
    store, editor = people.store, people.viewers["editor@baerum"]
    a = library.create_indicator(store, editor, metadata("Første"))
    b = library.create_indicator(store, editor, metadata("Andre"))
    foreign = library.add_version(store, editor, b.id, synthetic_rows(), "b.csv")
    with pytest.raises(OwnVersionNotFound):
        library.restore(store, editor, a.id, foreign.id)


def test_rows_are_stored_as_given_with_missing_cells_as_null(people: People) -> None:
    store, editor = people.store, people.viewers["editor@baerum"]
    info = library.create_indicator(store, editor, metadata("Tomme celler"))
    rows = synthetic_rows()
    rows.loc[1, ["numerator", "denominator"]] = None
    rows.loc[1, "status"] = ".."
    version = library.add_version(store, editor, info.id, rows, "a.csv")
    stored = version_rows(store, [version.id]).sort_values("period").reset_index(drop=True)
    assert stored.loc[1, "status"] == ".."
    assert pd.isna(stored.loc[1, "numerator"]) and stored.loc[0, "numerator"] == 21.0
    with pytest.raises(InvalidOwnRows):
        library.add_version(store, editor, info.id, rows.iloc[0:0], "tom.csv")


def test_drafts_belong_to_their_uploader_and_can_be_dropped(people: People) -> None:
    store = people.store
    editor, admin = people.viewers["editor@baerum"], people.viewers["admin@baerum"]
    token = library.put_draft(store, editor, "fil.csv", b"kommunenummer;verdi\n3201;4\n")
    draft = library.get_draft(store, editor, token)
    assert (draft.filename, draft.data) == ("fil.csv", b"kommunenummer;verdi\n3201;4\n")
    with pytest.raises(DraftNotFound):  # even a colleague's admin cannot take it
        library.get_draft(store, admin, token)
    library.drop_draft(store, editor, token)
    with pytest.raises(DraftNotFound):
        library.get_draft(store, editor, token)
    tokens = [library.put_draft(store, editor, f"{n}.csv", b"x") for n in range(7)]
    with pytest.raises(DraftNotFound):  # only the newest few are kept
        library.get_draft(store, editor, tokens[0])
    assert library.get_draft(store, editor, tokens[-1]).filename == "6.csv"


def test_the_metadata_form_says_what_is_wrong_in_norwegian() -> None:
    with pytest.raises(InvalidOwnMetadata) as caught:
        parse_metadata({"title": "A", "short_title": "", "decimals": "mange", "measure": "score"})
    problems = caught.value.problems
    assert problems["title"] == "må ha minst 3 tegn"
    assert problems["decimals"] == "må være et tall"
    assert problems["definition"] == "må fylles ut"
    assert "andel, rate, antall eller gjennomsnitt" in problems["measure"]
    good = parse_metadata(
        {
            "title": "Andel femåringer",
            "short_title": "Femåringer",
            "definition": "Andel femåringer som ble undersøkt.",
            "source": "Helsestasjonen",
            "unit": "prosent",
            "measure": "proportion",
            "numerator": "",
        }
    )
    assert good.numerator is None
    record = good.to_indicator("egne-1-andel-femaringer", "Bærum kommune")
    assert record.owner == "Bærum kommune" and record.title.endswith("(egne data)")
    assert record.disclosure.min_numerator == 5
