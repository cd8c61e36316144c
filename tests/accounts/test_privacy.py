"""Private answers for signed-in requests, the public portal unchanged for everyone else, and the
saved views on the front page — on the fixture snapshot, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests.accounts.conftest import World

from oppvekst.web.assets import BUNDLE_PATH

PUBLIC_PAGES = ["/", "/statistikkbank", "/kommune/3201", "/status"]


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_signed_in_answer_is_private_and_varies_by_cookie(
    world: World, snapshot_dir: Path, path: str
) -> None:
    page = world.signed_in("reader@own", data_dir=snapshot_dir).get(path)
    assert page.status_code == 200
    assert page.headers["cache-control"] == "private, no-store"
    assert "cookie" in page.headers["vary"].lower()


def test_a_public_cached_asset_turns_private_only_for_a_signed_in_request(
    world: World, snapshot_dir: Path
) -> None:
    anonymous = world.app(snapshot_dir).get(BUNDLE_PATH)
    assert anonymous.headers["cache-control"] == "public, max-age=31536000"
    assert "cookie" not in anonymous.headers.get("vary", "").lower()
    signed = world.signed_in("reader@own", data_dir=snapshot_dir).get(BUNDLE_PATH)
    assert signed.headers["cache-control"] == "private, no-store"
    assert signed.content == anonymous.content


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_an_anonymous_answer_is_unchanged(world: World, snapshot_dir: Path, path: str) -> None:
    page = world.app(snapshot_dir).get(path)
    assert page.status_code == 200
    assert "private" not in page.headers.get("cache-control", "")
    assert "cookie" not in page.headers.get("vary", "").lower()
    assert "set-cookie" not in page.headers
    assert "Lagre visning" not in page.text and "Mine lagrede visninger" not in page.text
    assert 'href="/logg-inn"' in page.text


def test_the_front_page_lists_ones_own_saved_views(world: World, snapshot_dir: Path) -> None:
    page = world.signed_in("editor@other", data_dir=snapshot_dir).get("/").text
    assert "Mine lagrede visninger" in page
    assert "Visning for editor@other" in page
    assert "Visning for editor@own" not in page and "Eierens hemmelige visning" not in page


def test_lagre_visning_saves_the_page_with_its_url_state(world: World, snapshot_dir: Path) -> None:
    client = world.signed_in("admin@own", data_dir=snapshot_dir)
    page = client.get("/statistikkbank?tema=skole").text
    form = page[page.index('class="save-view"') :]
    url = re.search(r'name="url" value="([^"]+)"', form)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert url is not None and token is not None
    assert url.group(1) == "/statistikkbank?tema=skole"
    saved = client.post(
        "/mine-visninger",
        data={"name": "Skole", "url": url.group(1), "csrf_token": token.group(1)},
    )
    assert saved.status_code == 303
    assert '<a href="/statistikkbank?tema=skole">Skole</a>' in client.get("/").text
