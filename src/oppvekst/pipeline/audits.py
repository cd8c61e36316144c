"""Audits at publish: reconciliation, coverage and estimated allocations over the built table.

Run by ``write`` on the whole observations table just before it is written (the disclosure audit
across indicator families is ``pipeline.families``; the audits' words and result are
``pipeline.findings``). Each finding is one row of the snapshot's ``audit_findings`` table —
(audit, indicator, region, period, reason) — and a finding that makes a value less than it looks
also flags the value (its flag declared in ``snapshot.table.FLAGS``), so pages, downloads and the
API say so without knowing about audits.

* **Reconciliation** (SSB's and Fingertips' practice of checking that published totals equal the
  sum of their parts): land = Σ fylker and fylke = Σ kommuner for counts and for the numerators and
  denominators of pooled shares, per indicator, period and breakdown. A difference is explained by
  a declared reason — a member withheld (suppression), a member that is a break (a split whose
  parts lie in one fylke), Svalbard (counted under Troms, not a kommune), a member total that is
  itself incomplete, or a kommune missing from the source — or the total is flagged
  ``unreconciled``.
* **Coverage**: a total that equals the sum of fewer than all its members (a kommune absent from
  the source's year) is flagged ``incomplete``, and so is every change or ratio computed from it.
* **Estimated allocations**: a source's figures for the parts of a split that it shared out by
  fixed weights (``harmonise.split_breaks`` sees the identical shares in every year) are recorded
  here; they are breaks and are not published, and a change computed across them is a break too.
  A published value computed from an estimate is flagged ``estimate``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from oppvekst.catalog import Catalog
from oppvekst.catalog.schema import Indicator, Measure
from oppvekst.errors import ValidationFailed
from oppvekst.pipeline.families import Hierarchy, Leak, leaks, protect_families
from oppvekst.pipeline.findings import Audit, AuditResult, Finding, Reason
from oppvekst.pipeline.flags import with_flag
from oppvekst.pipeline.harmonise import Break
from oppvekst.snapshot.table import BREAKDOWNS, flag_codes

KEYS = ["period", *BREAKDOWNS]
# Svalbard is no kommune, but SSB and Udir count its people and pupils under Troms (55).
SVALBARD_COUNTED_IN = frozenset({"55"})
# Sources round each member to a whole number (csdata's harmonised population, IMDi's rebuilt
# denominators), so a total may differ from its members' sum by half a unit per member.
_ROUNDING_PER_MEMBER = 0.5

# The findings that make a value less than it looks, and the flag each puts on it.
_FLAG_OF = {
    Reason.UNRECONCILED: "unreconciled",
    Reason.INCOMPLETE: "incomplete",
    Reason.FROM_INCOMPLETE: "incomplete",
    Reason.FROM_ESTIMATE: "estimate",
}


def audit_for_publish(
    observations: pd.DataFrame,
    catalog: Catalog,
    parents: Sequence[Mapping[str, str]],
    breaks: Iterable[tuple[str, Break]],
    fresh: Collection[str],
    hierarchy: Hierarchy,
) -> AuditResult:
    """Disclosure control across families on this update's rows (``fresh``), the audits, and the
    refusal: rows carried from the previous snapshot are published as they were, so a withheld
    count they still give back stops the update, naming each one."""
    by_id = {i.id: i for i in catalog}
    before = observations.reset_index(drop=True)
    protected = protect_families(before, catalog.families, by_id, fresh, hierarchy)
    result = run_audits(protected, catalog, parents, breaks)
    found = leaks(result.observations, catalog.families, by_id, hierarchy, before=before)
    if found:
        raise ValidationFailed(
            f"Den nye datasamlingen ble ikke publisert: {len(found)} skjulte tall kan regnes ut "
            f"fra andre publiserte tall: {_leak_list(found)}.",
            hint="Oppdater indikatorene i familien sammen, så de skjules på tvers. "
            "Den forrige datasamlingen brukes fortsatt.",
        )
    return result


# Regions named per indicator and period in the refusal; the rest are counted.
SHOWN_LEAKS = 8


def _leak_list(found: Sequence[Leak]) -> str:
    """The leaks per indicator and period, so each one is named where a reader looks for it:
    «barnehage-minoritetssprak 2013 (teller «…», familien …): 1111, 1557, … (+9 til)»."""
    groups: dict[tuple[str, str, str, str], list[str]] = {}
    for leak in found:
        key = (leak.indicator_id, leak.period, leak.count, leak.family)
        groups.setdefault(key, []).append(leak.region)
    parts = []
    for (indicator_id, period, count, family), regions in sorted(groups.items()):
        codes = sorted(set(regions))
        more = f" (+{len(codes) - SHOWN_LEAKS} til)" if len(codes) > SHOWN_LEAKS else ""
        parts.append(
            f"{indicator_id} {period} (telleren «{count}», familien {family}): "
            f"{', '.join(codes[:SHOWN_LEAKS])}{more}"
        )
    return "; ".join(parts)


def run_audits(
    observations: pd.DataFrame,
    catalog: Catalog,
    parents: Sequence[Mapping[str, str]],
    breaks: Iterable[tuple[str, Break]],
) -> AuditResult:
    """Audit ``observations`` (every indicator of the snapshot); ``parents`` are child → parent
    maps from the lowest level up (kommune → fylke, fylke → land), ``breaks`` the build's breaks."""
    out = observations.reset_index(drop=True).copy()
    broken = list(breaks)
    derived = {i.id for i in catalog if i.source.derive is not None}
    findings: list[Finding] = _estimates(broken, derived)
    broken_keys = {(i, b.region, b.period, *b.breakdown) for i, b in broken}
    for indicator in catalog:
        if indicator.source.derive is not None:
            continue
        columns = _count_columns(indicator)
        if not columns:
            continue
        rows = np.flatnonzero((out["indicator_id"] == indicator.id).to_numpy())
        if rows.size == 0:
            continue
        for parent_of in parents:
            found = _totals(out, rows, indicator.id, columns, parent_of, broken_keys)
            findings += [f for _, f in found]
            # Applied level by level: the country sees which of its fylker are incomplete.
            for flag in sorted(set(_FLAG_OF.values())):
                hit = np.zeros(len(out), dtype=bool)
                hit[[p for p, f in found if _FLAG_OF.get(f.reason) == flag]] = True
                if hit.any():
                    out["flags"] = with_flag(out["flags"], hit, flag)
    for indicator in catalog:
        if indicator.source.derive is not None:
            findings += _propagate(out, indicator)
    return AuditResult(out, tuple(findings))


def _count_columns(indicator: Indicator) -> list[str]:
    if indicator.additive:
        return ["value"]
    if indicator.measure in (Measure.PROPORTION, Measure.RATE):
        return ["numerator", "denominator"]
    return []


def _totals(
    out: pd.DataFrame,
    rows: np.ndarray,
    indicator_id: str,
    columns: list[str],
    parent_of: Mapping[str, str],
    broken: set[tuple[str, ...]],
) -> list[tuple[int, Finding]]:
    """Each total of this level against the sum of its members, one period and breakdown at a
    time; returns (row of the total, finding) for every total that needs a word."""
    members_of: dict[str, list[str]] = {}
    for child, parent in parent_of.items():
        members_of.setdefault(parent, []).append(child)
    frame = out.iloc[rows]
    is_total = frame["region"].isin(list(members_of)).to_numpy()
    children = frame[frame["region"].isin(list(parent_of))]
    ask = _worth_a_look(frame[is_total], children, columns, parent_of, members_of)
    totals = frame[is_total][ask]
    # Only the slices of the totals that need a word are split into groups.
    wanted = children.merge(totals[KEYS].drop_duplicates(), on=KEYS)
    by_slice = {
        tuple(str(k) for k in key): group for key, group in wanted.groupby(KEYS, sort=False)
    }
    found: list[tuple[int, Finding]] = []
    for position, total in zip(rows[is_total][ask], totals.to_dict("records"), strict=True):
        key = tuple(str(total[k]) for k in KEYS)
        group = by_slice.get(key)
        if group is None:
            continue  # no member published in this slice: nothing to reconcile against
        region = str(total["region"])
        expected = members_of[region]
        present = group[group["region"].isin(expected)]
        withheld = present["status"].notna() & (present["status"].astype(str) != "")
        cut = {c for c in expected if (indicator_id, c, *key) in broken}
        missing = sorted(set(expected) - set(present["region"]) - cut)
        incomplete = bool(present["flags"].map(lambda f: "incomplete" in flag_codes(f)).any())
        rebuilt = any(
            "denominator_reconstructed" in flag_codes(f)
            for f in [total["flags"], *present["flags"].tolist()]
        )
        for column in columns:
            value = total[column]
            if not np.isfinite(value):
                continue
            sums = present[column].sum(min_count=1)
            gap = float(value - (sums if np.isfinite(sums) else 0.0))
            slack = max(1.0, _ROUNDING_PER_MEMBER * len(present))
            finding = _judge(
                gap, slack, missing, bool(withheld.any()), bool(cut), incomplete, region
            )
            if finding is Reason.UNRECONCILED and "estimate" in flag_codes(total["flags"]):
                finding = Reason.ESTIMATED_TOTAL
            elif finding is Reason.UNRECONCILED and column == "denominator" and rebuilt:
                # The source gave only a rounded share and the count; the rebuilt denominators
                # are off by the share's rounding, and each already says so with its flag.
                finding = Reason.ROUNDED_DENOMINATOR
            if finding is not None:
                detail = f"{column}: {value:.10g} mot sum {sums:.10g}" + (
                    f"; mangler {', '.join(missing[:5])}" if missing else ""
                )
                found.append(
                    (
                        int(position),
                        Finding(
                            Audit.COVERAGE
                            if finding in (Reason.INCOMPLETE,)
                            else Audit.RECONCILIATION,
                            indicator_id,
                            region,
                            str(total["period"]),
                            finding,
                            detail,
                        ),
                    )
                )
                break  # one finding per total is enough: numerator and denominator agree
    return found


def _worth_a_look(
    totals: pd.DataFrame,
    children: pd.DataFrame,
    columns: list[str],
    parent_of: Mapping[str, str],
    members_of: Mapping[str, list[str]],
) -> np.ndarray:
    """Totals that may need a word, found for all slices at once: those with a member missing
    (no row), a member flagged incomplete, or a gap to their members' sum beyond rounding. Only
    these are judged one by one, so the audit costs little on a table that adds up."""
    if totals.empty or children.empty:
        return np.zeros(len(totals), dtype=bool)
    kids = children.assign(
        _parent=children["region"].map(parent_of),
        _incomplete=children["flags"].map(lambda f: "incomplete" in flag_codes(f)),
    )
    grouped = kids.groupby(["_parent", *KEYS], sort=False, dropna=False)
    sums = grouped[columns].sum(min_count=1)
    sums["_n"] = grouped.size()
    sums["_incomplete"] = grouped["_incomplete"].any()
    sums = sums.reset_index().rename(columns={"_parent": "region"})
    joined = totals[["region", *KEYS, *columns]].merge(
        sums, on=["region", *KEYS], how="left", suffixes=("", "_sum")
    )
    expected = joined["region"].map({p: len(m) for p, m in members_of.items()})
    ask = joined["_n"].notna() & (
        (joined["_n"] < expected) | joined["_incomplete"].fillna(False).astype(bool)
    )
    slack = np.maximum(1.0, _ROUNDING_PER_MEMBER * joined["_n"].fillna(0))
    for column in columns:
        gap = joined[column] - joined[f"{column}_sum"].fillna(0.0)
        ask |= joined["_n"].notna() & joined[column].notna() & (gap.abs() > slack)
    return ask.to_numpy(dtype=bool)


def _judge(
    gap: float,
    slack: float,
    missing: list[str],
    withheld: bool,
    cut: bool,
    incomplete: bool,
    region: str,
) -> Reason | None:
    """Why a total differs from its members' sum (or ``None`` when it does not need a word).

    A member missing from the source makes the total incomplete when the total is no more than
    the members given (or cannot be checked because another member is a break); a total clearly
    above them counted the missing member from elsewhere.
    """
    close = abs(gap) <= slack
    if missing and not withheld:
        return Reason.INCOMPLETE if close or cut else Reason.MISSING_MEMBER
    if incomplete:
        return Reason.INCOMPLETE if close else Reason.MEMBER_INCOMPLETE
    if close:
        return None
    if withheld:
        return Reason.SUPPRESSION
    if cut:
        return Reason.BREAK
    if region in SVALBARD_COUNTED_IN and gap > 0:
        return Reason.SVALBARD
    return Reason.UNRECONCILED


def _estimates(breaks: Sequence[tuple[str, Break]], derived: set[str]) -> list[Finding]:
    return [
        Finding(
            Audit.ESTIMATE,
            indicator_id,
            b.region,
            b.period,
            Reason.ACROSS_ALLOCATION if indicator_id in derived else Reason.ALLOCATION,
            b.reason,
        )
        for indicator_id, b in breaks
        if b.estimate
    ]


def _propagate(out: pd.DataFrame, indicator: Indicator) -> list[Finding]:
    """A change or ratio computed from a flagged value carries the flag (``incomplete``,
    ``estimate``): the total it was computed from is less than it looks, and so is the result."""
    derivation = indicator.source.derive
    assert derivation is not None
    mine = np.flatnonzero((out["indicator_id"] == indicator.id).to_numpy())
    if mine.size == 0:
        return []
    inputs = [i for i in (derivation.numerator, derivation.denominator, derivation.of) if i]
    flagged: dict[str, set[tuple[str, str]]] = {"incomplete": set(), "estimate": set()}
    source = out[out["indicator_id"].isin(inputs) & _totals_only(out)]
    for region, period, cell in zip(
        source["region"], source["period"], source["flags"], strict=True
    ):
        for name in flag_codes(cell):
            if name in flagged:
                flagged[name].add((str(region), str(period)))
    findings: list[Finding] = []
    rows = out.iloc[mine]
    for flag, reason in (
        ("incomplete", Reason.FROM_INCOMPLETE),
        ("estimate", Reason.FROM_ESTIMATE),
    ):
        if not flagged[flag]:
            continue
        hit = np.zeros(len(out), dtype=bool)
        for position, region, period in zip(mine, rows["region"], rows["period"], strict=True):
            used = {str(period)}
            if derivation.kind == "change" and derivation.years and str(period).isdigit():
                used.add(str(int(period) - derivation.years))
            if any((str(region), p) in flagged[flag] for p in used):
                hit[position] = True
                findings.append(
                    Finding(
                        Audit.COVERAGE if flag == "incomplete" else Audit.ESTIMATE,
                        indicator.id,
                        str(region),
                        str(period),
                        reason,
                    )
                )
        out["flags"] = with_flag(out["flags"], hit, flag)
    return findings


def _totals_only(frame: pd.DataFrame) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for column in BREAKDOWNS:
        mask &= frame[column] == "total"
    return mask
