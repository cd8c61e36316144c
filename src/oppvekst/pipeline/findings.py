"""Audit findings: what the audits at publish can say about a value, and the result they hand back.

Separate from ``audits.py`` (which decides *whether* a total needs a word) because this is the
vocabulary the rest of the update reads: ``build`` hands the counts per audit and reason to the
console (``cli``), ``write`` stores the findings and their summary in the snapshot's
``audit_findings`` and ``audit_summary`` tables. Keeping it apart lets those readers depend on the
words without the checks (numpy work, family disclosure control) behind them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

FINDING_COLUMNS = ["audit", "indicator_id", "region", "period", "reason", "detail"]


class Audit(StrEnum):
    RECONCILIATION = "reconciliation"
    COVERAGE = "coverage"
    ESTIMATE = "estimate"
    DISCLOSURE = "disclosure"


class Reason(StrEnum):
    SUPPRESSION = "suppression"  # explained: a member is withheld
    BREAK = "break"  # explained: a member is a break, the total is exact
    SVALBARD = "svalbard"  # explained: the total counts Svalbard
    MEMBER_INCOMPLETE = "member_incomplete"  # explained: a member total is itself incomplete
    MISSING_MEMBER = "missing_member"  # explained: the source lacks a kommune the total counts
    ESTIMATED_TOTAL = "estimated_total"  # explained: the total itself is a weighted share (flagged)
    ROUNDED_DENOMINATOR = "rounded_denominator"  # explained: rebuilt from a rounded share (flagged)
    UNRECONCILED = "unreconciled"  # flagged
    INCOMPLETE = "incomplete"  # flagged: built from fewer than all members
    FROM_INCOMPLETE = "from_incomplete"  # flagged: a change or ratio computed from such a total
    ALLOCATION = "allocation"  # a source's split by assumed weights (a break, not published)
    ACROSS_ALLOCATION = "across_allocation"  # a change or ratio across such a split (a break)
    FROM_ESTIMATE = "from_estimate"  # flagged: computed from a value flagged as an estimate
    RECOVERABLE = "recoverable"  # a withheld count can be worked out: the update refuses


# The console's words for each reason (the CLI speaks bokmål).
REASON_LABELS: dict[Reason, str] = {
    Reason.SUPPRESSION: "forklart: en del er skjult (prikket)",
    Reason.BREAK: "forklart: en del er et brudd (deling innen fylket)",
    Reason.SVALBARD: "forklart: Svalbard telles med i Troms",
    Reason.MEMBER_INCOMPLETE: "forklart: en del er selv ufullstendig",
    Reason.MISSING_MEMBER: "forklart: kilden mangler en kommune",
    Reason.ESTIMATED_TOTAL: "forklart: totalen er selv et anslag (fordelt med vekter)",
    Reason.ROUNDED_DENOMINATOR: "forklart: nevneren er regnet fra en avrundet andel (merket)",
    Reason.UNRECONCILED: "merket: summen stemmer ikke, uten kjent grunn",
    Reason.INCOMPLETE: "merket: total av færre enn alle deler",
    Reason.FROM_INCOMPLETE: "merket: endring eller andel av en ufullstendig total",
    Reason.ALLOCATION: "brudd: kilden har fordelt tallet med antatte vekter",
    Reason.ACROSS_ALLOCATION: "brudd: endring eller andel over en slik fordeling",
    Reason.FROM_ESTIMATE: "merket: beregnet fra et anslag",
    Reason.RECOVERABLE: "stoppet: et skjult tall kan regnes ut",
}
AUDIT_LABELS: dict[Audit, str] = {
    Audit.RECONCILIATION: "Avstemming",
    Audit.COVERAGE: "Dekning",
    Audit.ESTIMATE: "Anslag",
    Audit.DISCLOSURE: "Avsløring",
}


@dataclass(frozen=True, slots=True)
class Finding:
    audit: Audit
    indicator_id: str
    region: str
    period: str
    reason: Reason
    detail: str = ""


@dataclass(frozen=True, slots=True)
class AuditCount:
    """How many findings one audit made for one reason (the console's and the snapshot's summary)."""

    audit: Audit
    reason: Reason
    findings: int

    @property
    def label(self) -> str:
        return f"{AUDIT_LABELS[self.audit]}: {REASON_LABELS[self.reason]}"


@dataclass(frozen=True)
class AuditResult:
    observations: pd.DataFrame  # with the audits' flags added
    findings: tuple[Finding, ...]

    def summary(self) -> tuple[AuditCount, ...]:
        counts = Counter((f.audit, f.reason) for f in self.findings)
        return tuple(AuditCount(a, r, n) for (a, r), n in sorted(counts.items()))

    def summary_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [(c.audit.value, c.reason.value, c.findings) for c in self.summary()],
            columns=["audit", "reason", "findings"],
        )

    def frame(self) -> pd.DataFrame:
        rows = [
            (f.audit.value, f.indicator_id, f.region, f.period, f.reason.value, f.detail)
            for f in self.findings
        ]
        return pd.DataFrame(rows, columns=FINDING_COLUMNS).drop_duplicates(
            subset=FINDING_COLUMNS[:-1]
        )
