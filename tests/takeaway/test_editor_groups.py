"""Groups in the chart editor (issue #14): the editor offers the indicator's breakdown with the page's
own parameters, and what it submits is the group the chart image and the embed draw."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode

from oppvekst.views import indicator as iv

PAGE = "/indikator/barn-0-17"
AREA = "3201"


class _EditorForm(HTMLParser):
    """The editor form's fields: hidden inputs, and each select with its label and options."""

    def __init__(self) -> None:
        super().__init__()
        self.inside = False
        self.depth = 0
        self.legends: list[str] = []
        self.labels: dict[str, str] = {}  # for -> text
        self.hidden: list[tuple[str, str]] = []
        self.checked: list[tuple[str, str]] = []
        self.selects: dict[str, dict[str, Any]] = {}  # name -> id, options, selected
        self._select: str | None = None
        self._text: list[str] | None = None
        self._label_for: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and "data-editor" in a:
            self.inside = True
        if not self.inside:
            return
        if tag == "input" and a.get("type") == "hidden":
            self.hidden.append((a["name"], a.get("value", "")))
        elif tag == "input" and a.get("type") == "radio" and "checked" in a:
            self.checked.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = a["name"]
            self.selects[a["name"]] = {"id": a.get("id"), "options": [], "selected": None}
        elif tag == "option" and self._select:
            self.selects[self._select]["options"].append(a["value"])
            if "selected" in a:
                self.selects[self._select]["selected"] = a["value"]
        elif tag in ("legend", "label"):
            self._text, self._label_for = [], a.get("for")

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "legend" and self._text is not None:
            self.legends.append("".join(self._text).strip())
            self._text = None
        elif tag == "label" and self._text is not None:
            self.labels[self._label_for or ""] = "".join(self._text).strip()
            self._text = None


def _editor(client: Any, url: str) -> _EditorForm:
    response = client.get(url)
    assert response.status_code == 200, url
    form = _EditorForm()
    form.feed(response.text)
    return form


def _groups(store: Any) -> dict[str, str]:
    """The breakdown parameters of barn-0-17 (param -> column), as the page's breakdown form has."""
    columns = store.breakdown_values("barn-0-17")
    return {p: c for p, c in iv.BREAKDOWN_PARAMS.items() if c in columns}


def _spec(html_text: str) -> dict[str, Any]:
    start = html_text.index('{"$schema"')
    spec, _ = json.JSONDecoder().raw_decode(html_text[start:])
    return spec  # type: ignore[no-any-return]


def test_the_editor_offers_every_group_of_the_indicator_with_a_label(client, store) -> None:  # type: ignore[no-untyped-def]
    groups = _groups(store)
    assert {"age", "sex"} <= set(groups.values()), groups
    form = _editor(client, f"{PAGE}?omrade={AREA}")
    assert "Gruppe" in form.legends
    for param, column in groups.items():
        select = form.selects[param]
        assert select["options"] == store.breakdown_values("barn-0-17")[column]
        assert select["selected"] == "total"
        # keyboard/axe: every select has its label, named as on the page's breakdown form
        assert form.labels[select["id"]] == iv.BREAKDOWN_LABELS[column]
        # the group is a select, not also a hidden copy of the page's parameter
        assert param not in {name for name, _ in form.hidden}


def test_submitting_a_group_draws_that_group_in_the_image_and_the_embed(client, store) -> None:  # type: ignore[no-untyped-def]
    groups = {c: p for p, c in _groups(store).items()}
    age = next(v for v in store.breakdown_values("barn-0-17")["age"] if v != "total")
    form = _editor(client, f"{PAGE}?omrade={AREA}&figur=stolper")
    # What the browser sends: hidden fields, checked radios and every select, the age changed.
    fields = [*form.hidden, *form.checked, *((n, s["selected"]) for n, s in form.selects.items())]
    fields = [(n, age if n == groups["age"] else v) for n, v in fields]
    query = urlencode(fields)
    page = _editor(client, f"{PAGE}?{query}")
    assert page.selects[groups["age"]]["selected"] == age  # the page keeps the editor's choice
    assert page.selects[groups["sex"]]["selected"] == "total"

    chosen = iv.series(store, "barn-0-17", [AREA], breakdown={"age": age})
    total = iv.series(store, "barn-0-17", [AREA])
    last = chosen.periods[-1]
    expected = chosen.at(AREA, last)
    everyone = total.at(AREA, last)
    assert expected is not None and everyone is not None and expected.value != everyone.value

    embed = _spec(client.get(f"/embed{PAGE}?{query}").text)
    values = {
        row["periode"]: row["verdi"] for row in embed["data"]["values"] if row["kode"] == AREA
    }
    assert values[last] == expected.value
    label = iv.category_label("age", age)
    subtitle = embed["title"]["subtitle"]
    assert label in (subtitle if isinstance(subtitle, str) else " ".join(subtitle))

    svg = client.get(f"{PAGE}/bilde.svg?{query}")
    assert svg.status_code == 200
    assert re.search(rf"Subtitle text '[^']*{re.escape(label)}", svg.text)
    plain = client.get(f"{PAGE}/bilde.svg?omrade={AREA}&figur=stolper").text
    assert label not in plain


def test_the_english_editor_names_the_groups_in_english(client) -> None:  # type: ignore[no-untyped-def]
    form = _editor(client, f"/en{PAGE}?omrade={AREA}")
    assert "Group" in form.legends and "Gruppe" not in form.legends
