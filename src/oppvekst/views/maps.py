"""The map's data: the latest value of every area of one level, classed against the country.

Pure data (no HTML): the map tab, its downloads and embeds call the same function. «My county in
colour» (``MapValues.focus``) keeps every area but colours only one fylke's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from oppvekst.catalog.schema import Indicator
from oppvekst.errors import BadRequest
from oppvekst.language import _
from oppvekst.snapshot.store import Store
from oppvekst.stats import comparison
from oppvekst.views.indicator import num
from oppvekst.views.numbers import number
from oppvekst.views.regions import LEVEL_PHRASES, RegionRef, region_ref

MapLevel = Literal["kommune", "bydel", "fylke"]


@dataclass(frozen=True, slots=True)
class MapValue:
    code: str
    name: str
    value: float | None
    lower95: float | None
    upper95: float | None
    status: str | None
    significance: str  # against the country, comparison.Significance values


@dataclass(frozen=True, slots=True)
class MapValues:
    indicator: Indicator
    period: str
    level: MapLevel
    county: RegionRef | None
    country_value: float | None
    rows: tuple[MapValue, ...]
    synthetic: bool
    summary: tuple[str, ...]
    # «My county in colour»: every area is drawn, only this fylke's in colour (None: all of them).
    focus: RegionRef | None = None

    def in_focus(self, code: str) -> bool:
        return self.focus is None or code.startswith(self.focus.code)

    @property
    def focused_rows(self) -> tuple[MapValue, ...]:
        """The rows drawn in colour: their values alone set the classes and the summary."""
        return tuple(r for r in self.rows if self.in_focus(r.code))


def map_values(
    store: Store,
    indicator_id: str,
    *,
    period: str | None = None,
    level: MapLevel = "kommune",
    county: str | None = None,
    breakdown: Mapping[str, str] | None = None,
    focus: str | None = None,
) -> MapValues:
    """Every area's value on one level for one period (the latest by default), with significance.

    ``county`` restricts the map to one fylke; ``focus`` (a fylke code) keeps the whole country
    but marks that fylke's areas as the ones drawn in colour (``MapValues.focused_rows``). A map
    already restricted to a county has nothing else to grey, so there the focus is dropped."""
    indicator = store.indicator(indicator_id)
    if level not in {lv.value for lv in indicator.levels}:
        raise BadRequest(
            _("«{title}» finnes ikke på {level}, så kartet kan ikke vises.").format(
                title=indicator.short_title, level=LEVEL_PHRASES.get(level, level)
            ),
            hint=_("Vis kartet for kommuner i stedet."),
        )
    county_ref = region_ref(store, county) if county else None
    if county_ref is not None and county_ref.level != "fylke":
        raise BadRequest(
            _("«{code}» er ikke et fylke.").format(code=county),
            hint=_("Bruk et fylkesnummer med to sifre, f.eks. 46."),
        )
    if period is None:
        period = store.latest_period(indicator_id, level)
        if period is None:
            raise BadRequest(
                _("Det finnes ingen tall for «{title}» på {level}.").format(
                    title=indicator.short_title, level=LEVEL_PHRASES.get(level, level)
                )
            )
    elif period not in store.periods(indicator_id):
        raise BadRequest(
            _("Det finnes ingen tall for {period} for «{title}».").format(
                period=period, title=indicator.short_title
            ),
            hint=_("Perioder med tall: {periods}.").format(
                periods=", ".join(store.periods(indicator_id)[-6:])
            ),
        )
    codes = [
        c
        for c, r in store.regions.items()
        if r.level == level and (county is None or c.startswith(county))
    ]
    obs = store.observations(
        [indicator_id], [*codes, "0"], [period], breakdown=dict(breakdown) if breakdown else None
    )
    by_code = {str(r["region"]): r for r in obs.to_dict("records")}
    country = num(by_code["0"]["value"]) if "0" in by_code else None
    rows = []
    for code in codes:
        r = by_code.get(code)
        value = num(r["value"]) if r else None
        lo, hi = (num(r["lower95"]), num(r["upper95"])) if r else (None, None)
        lo998, hi998 = (num(r["lower998"]), num(r["upper998"])) if r else (None, None)
        sig = comparison.Significance.NOT_COMPARED.value
        if value is not None and country is not None:
            sig = str(
                comparison.compare(
                    value,
                    _nan(lo),
                    _nan(hi),
                    _nan(lo998),
                    _nan(hi998),
                    country,
                    indicator.polarity.value,
                )
            )
        status = str(r["status"]) if r and isinstance(r["status"], str) and r["status"] else None
        rows.append(
            MapValue(
                code,
                store.regions[code].name,
                value,
                lo,
                hi,
                status if value is None else None,
                sig,
            )
        )
    synthetic = bool(obs["synthetic"].any()) if len(obs) else False
    focus_ref = region_ref(store, focus) if focus and county is None else None
    if focus_ref is not None and focus_ref.level != "fylke":
        raise BadRequest(
            _("«{code}» er ikke et fylke.").format(code=focus),
            hint=_("Bruk et fylkesnummer med to sifre, f.eks. 46."),
        )
    focused = [r for r in rows if focus_ref is None or r.code.startswith(focus_ref.code)]
    where = " " + _("i {name}").format(name=focus_ref.name) if focus_ref else ""
    return MapValues(
        indicator,
        period,
        level,
        county_ref,
        country,
        tuple(rows),
        synthetic,
        tuple(_map_summary(indicator, period, focused, where)),
        focus_ref,
    )


def _nan(x: float | None) -> float:
    return float("nan") if x is None else x


def _map_summary(
    indicator: Indicator, period: str, rows: list[MapValue], where: str = ""
) -> list[str]:
    valued = sorted((r for r in rows if r.value is not None), key=lambda r: r.value or 0.0)
    missing = len(rows) - len(valued)
    if not valued:
        return [_("Ingen områder{where} har tall for {period}.").format(where=where, period=period)]
    low, high = valued[0], valued[-1]
    d = indicator.decimals
    text = [
        _(
            "{n} områder{where} har tall for {period}. Lavest: {low} ({low_value}), "
            "høyest: {high} ({high_value})."
        ).format(
            n=len(valued),
            where=where,
            period=period,
            low=low.name,
            low_value=number(low.value, d),
            high=high.name,
            high_value=number(high.value, d),
        )
    ]
    if missing:
        text.append(
            _("{n} områder mangler tall eller er skjult av personvernhensyn.").format(n=missing)
        )
    return text
