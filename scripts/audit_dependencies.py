"""Audit requirements.lock with what the package registry itself publishes.

``pip-audit`` asks PyPI's per-version JSON (``/pypi/<name>/<version>/json``) or OSV for advisories.
Where neither can be reached (the development machines and CI), this script still checks what
the per-project JSON (``/pypi/<name>/json``) can prove:

* a pinned version that was yanked fails, with the maintainers' reason;
* a pin equal to the latest release fails when PyPI lists a non-withdrawn advisory for it — this
  is the same advisory list pip-audit's PyPI service reads for that version;
* a pin older than the latest release fails only when an advisory names a fix on the pin's own
  release series that is newer than the pin; otherwise it is reported as not checkable here,
  because the project JSON lists advisories for the latest release only;
* requirements.lock must be exactly what ``make setup`` installs (the closure of
  ``oppvekst[dev]`` in this environment, at the installed versions), or the audit checks the
  wrong versions.

When pip-audit's service answers, ``pip-audit --strict -r requirements.lock`` runs as well.

Exit codes: 0 no failures (warnings possible), 1 failures, 2 the audit could not run.

``--freeze`` prints the lock for the current environment (refresh with
``.venv/bin/python scripts/audit_dependencies.py --freeze > requirements.lock``).
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import json
import platform
import random
import subprocess
import sys
from collections import Counter
from collections.abc import Coroutine, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Literal, TypeVar

import httpx
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import NormalizedName, canonicalize_name
from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parents[1]
PYPI = "https://pypi.org/pypi"
PROJECT = "oppvekst[dev]"
T = TypeVar("T")
USER_AGENT = f"oppvekst-dependency-audit/1.0 (requirements.lock check) httpx/{httpx.__version__}"
SKIPPED_WHY = (
    "The partial check above is still meaningful: yanked pins are caught, and for every pin at "
    "the latest release PyPI's project JSON carries the same advisory list pip-audit's PyPI "
    "service would read. Only pins older than the latest release (WARN lines) stay unchecked."
)


class AuditError(Exception):
    """The audit could not run to the end; the message says what to do (exit code 2)."""


@dataclass(frozen=True)
class Pin:
    name: str
    version: str

    @property
    def key(self) -> NormalizedName:
        return canonicalize_name(self.name)


@dataclass(frozen=True)
class Advisory:
    id: str
    aliases: tuple[str, ...]
    fixed_in: tuple[str, ...]
    summary: str

    def describe(self) -> str:
        aliases = ", ".join(self.aliases) or "no aliases"
        fixed = ", ".join(self.fixed_in) or "no fixed release"
        text = f"{self.id} ({aliases}; fixed in: {fixed})"
        return f"{text}: {self.summary}" if self.summary else text


@dataclass(frozen=True)
class Project:
    """What the per-project JSON tells: the latest release, yanked releases, latest's advisories."""

    latest: str
    releases: frozenset[str]
    yanked: Mapping[str, str]  # version -> reason ("" when none was given)
    advisories: tuple[Advisory, ...]  # non-withdrawn ones only
    latest_requires_python: str  # "" when the latest release does not say


Kind = Literal["environment", "unpublished", "yanked", "vulnerable", "not-checkable", "pip-audit"]


@dataclass(frozen=True)
class Finding:
    package: str
    kind: Kind
    message: str

    @property
    def level(self) -> str:
        # Only "cannot tell from here" is a warning; everything else is a proven problem.
        return "WARN" if self.kind == "not-checkable" else "FAIL"


@dataclass(frozen=True)
class Verdict:
    """One pin judged against PyPI; ``at_latest`` says whether its advisories were checkable."""

    findings: tuple[Finding, ...]
    at_latest: bool


@dataclass(frozen=True)
class Fetch:
    pypi: str
    timeout: float
    retries: int
    backoff: float
    concurrency: int


# --- The lock and the environment ---------------------------------------------------------------


def read_lock(path: Path) -> list[Pin]:
    if not path.is_file():
        raise AuditError(f"{path} does not exist: create it with --freeze (see docs/quality.md).")
    pins: list[Pin] = []
    seen: set[NormalizedName] = set()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        name, sep, version = line.partition("==")
        # Only exact pins can be audited: a range or URL would be resolved differently elsewhere.
        if not sep or not name.strip() or not version.strip() or any(c in line for c in "<>~!;@ "):
            raise AuditError(
                f"{path}:{number}: {raw!r} is not a 'name==version' pin; refresh the lock with "
                "--freeze."
            )
        pin = Pin(name.strip(), version.strip())
        if pin.key in seen:
            raise AuditError(f"{path}:{number}: {pin.name} is pinned twice.")
        seen.add(pin.key)
        pins.append(pin)
    if not pins:
        raise AuditError(f"{path} pins nothing; refresh it with --freeze.")
    return pins


def installed_closure(root: str) -> dict[NormalizedName, Pin]:
    """Every distribution that installing ``root`` pulls in, at its installed version.

    This is what ``make setup`` (``pip install -e '.[dev]'``) installs; packages installed by hand
    beside it are not part of the project and stay out.
    """
    todo = [Requirement(root)]
    seen: set[tuple[NormalizedName, str]] = set()
    found: dict[NormalizedName, Pin] = {}
    while todo:
        requirement = todo.pop()
        key = canonicalize_name(requirement.name)
        # A package is revisited when asked for with an extra not seen yet (its deps differ).
        extras = {(key, extra) for extra in {"", *requirement.extras}} - seen
        if not extras:
            continue
        seen |= extras
        try:
            dist = metadata.distribution(requirement.name)
        except metadata.PackageNotFoundError:
            raise AuditError(
                f"{requirement.name} is required by {root} but not installed: run `make setup`."
            ) from None
        if not editable(dist):  # the project itself, as `pip freeze --exclude-editable` does
            found[key] = Pin(dist.metadata["Name"], dist.version)
        for line in dist.requires or []:
            dependency = Requirement(line)
            marker = dependency.marker
            if marker is None or any(marker.evaluate({"extra": extra}) for _, extra in extras):
                todo.append(dependency)
    return found


def environment_findings(pins: Sequence[Pin], root: str) -> list[Finding]:
    """The lock must match the environment, or the audit would vouch for versions not in use."""
    findings: list[Finding] = []
    for pin in pins:
        try:
            installed = metadata.version(pin.name)
        except metadata.PackageNotFoundError:
            findings.append(
                Finding(pin.name, "environment", f"locked at {pin.version}, not installed")
            )
            continue
        if not same_version(installed, pin.version):
            findings.append(
                Finding(pin.name, "environment", f"locked at {pin.version}, installed {installed}")
            )
    closure = installed_closure(root)
    locked = {pin.key for pin in pins}
    for key in sorted(closure.keys() - locked):
        found = closure[key]
        findings.append(
            Finding(found.name, "environment", f"installed {found.version} for {root}, not locked")
        )
    for pin in pins:
        if pin.key not in closure:
            findings.append(Finding(pin.name, "environment", f"locked but not required by {root}"))
    return findings


def freeze(root: str) -> str:
    closure = installed_closure(root)
    return "".join(f"{pin.name}=={pin.version}\n" for _, pin in sorted(closure.items()))


def editable(dist: metadata.Distribution) -> bool:
    try:
        direct_url = json.loads(dist.read_text("direct_url.json") or "{}")
    except ValueError:
        return False
    return bool(direct_url.get("dir_info", {}).get("editable"))


def same_version(a: str, b: str) -> bool:
    try:
        return Version(a) == Version(b)
    except InvalidVersion:
        return a == b


def newer_than(a: str, b: str) -> bool:
    try:
        return Version(a) > Version(b)
    except InvalidVersion:
        return True  # unparseable: say "newer release exists", the common case


# --- PyPI -------------------------------------------------------------------------------------


async def fetch_projects(pins: Sequence[Pin], fetch: Fetch) -> dict[NormalizedName, Any]:
    # Bounded concurrency: a polite client of a shared registry, still quick for ~100 packages.
    gate = asyncio.Semaphore(fetch.concurrency)
    headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
    # A short connect timeout: an unreachable registry should fail the run in seconds, not minutes.
    timeout = httpx.Timeout(fetch.timeout, connect=min(fetch.timeout, 5.0))
    async with httpx.AsyncClient(timeout=timeout, headers=headers) as client:

        async def one(pin: Pin) -> tuple[NormalizedName, Any]:
            async with gate:
                return pin.key, await fetch_json(client, f"{fetch.pypi}/{pin.key}/json", fetch)

        # A task group cancels the other requests at the first failure: one clear error, at once.
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(one(pin)) for pin in pins]
        except ExceptionGroup as failed:
            raise failed.exceptions[0] from None
        return dict(task.result() for task in tasks)


async def fetch_json(client: httpx.AsyncClient, url: str, fetch: Fetch) -> Any:
    problem = ""
    retry_after = 0.0
    for attempt in range(fetch.retries + 1):
        if attempt:
            # Exponential back-off with jitter, longer when the server says so (bounded).
            delay = fetch.backoff * 2 ** (attempt - 1) * (1 + random.random() / 2)
            await asyncio.sleep(max(delay, retry_after))
        retry_after = 0.0
        try:
            response = await client.get(url)
        except httpx.TransportError as error:
            problem = f"{type(error).__name__}: {error}".rstrip(": ")
            continue
        if response.status_code == 429 or response.status_code >= 500:
            problem = f"HTTP {response.status_code}"
            header = response.headers.get("Retry-After", "")
            retry_after = min(float(header), 30.0) if header.isdigit() else 0.0
            continue
        if response.status_code == 404:
            raise AuditError(
                f"{url} answered 404: the package is not on this index. Check its name in "
                "requirements.lock, or point --pypi-url at the index that serves it."
            )
        if response.status_code != 200:
            raise AuditError(f"{url} answered HTTP {response.status_code}; try again later.")
        try:
            return response.json()
        except ValueError:
            raise AuditError(
                f"{url} did not answer JSON. Try again later; if it persists the registry (or a "
                "proxy in between) is not serving PyPI's JSON API at --pypi-url."
            ) from None
    raise AuditError(
        f"Cannot reach the package registry at {url} after {fetch.retries + 1} attempts "
        f"({problem}). The audit needs PyPI's JSON API: check the network or proxy, or point "
        "--pypi-url at a mirror that serves /<name>/json."
    )


def parse_project(name: str, doc: Any) -> Project:
    """The fields the audit relies on, or an AuditError naming what is missing."""
    try:
        latest = doc["info"]["version"]
        requires_python = doc["info"].get("requires_python") or ""
        releases = doc["releases"]
        if not isinstance(latest, str) or not isinstance(releases, dict):
            raise TypeError("info.version or releases has the wrong type")
        yanked: dict[str, str] = {}
        for version, files in releases.items():
            # PyPI yanks whole releases; one yanked file is enough to distrust the pin.
            reasons = [f.get("yanked_reason") or "" for f in files if f["yanked"]]
            if reasons:
                yanked[version] = next((r for r in reasons if r), "")
        advisories = tuple(
            Advisory(
                id=str(v["id"]),
                aliases=tuple(str(a) for a in v.get("aliases") or ()),
                fixed_in=tuple(str(f) for f in v.get("fixed_in") or ()),
                summary=" ".join(str(v.get("summary") or "").split()),
            )
            for v in doc.get("vulnerabilities") or ()
            if v.get("withdrawn") is None
        )
    except (KeyError, TypeError, AttributeError) as error:
        raise AuditError(
            f"PyPI's JSON for {name} lacks what the audit reads ({type(error).__name__}: {error}). "
            "Try again later; if it persists PyPI's JSON API changed and this script needs updating."
        ) from None
    return Project(latest, frozenset(releases), yanked, advisories, str(requires_python))


def judge(pin: Pin, project: Project) -> Verdict:
    name = f"{pin.name} {pin.version}"
    findings: list[Finding] = []
    released = {v for v in project.releases if same_version(v, pin.version)}
    if not released:
        findings.append(Finding(name, "unpublished", "not published on the index (deleted?)"))
    for version in released & project.yanked.keys():
        reason = project.yanked[version] or "no reason given"
        findings.append(Finding(name, "yanked", f"yanked from PyPI: {reason}"))
    if same_version(pin.version, project.latest):
        for advisory in project.advisories:
            findings.append(Finding(name, "vulnerable", advisory.describe()))
        return Verdict(tuple(findings), at_latest=True)
    affected = [a for a in project.advisories if fix_on_own_series(pin.version, a)]
    for advisory in affected:
        findings.append(Finding(name, "vulnerable", advisory.describe()))
    if not affected:
        # PyPI lists advisories for the latest release only, so older pins cannot be cleared here.
        situation = (
            f"newer release {project.latest} exists{python_note(project.latest_requires_python)}"
            if newer_than(project.latest, pin.version)
            else f"pinned version is newer than the latest release {project.latest}"
        )
        findings.append(
            Finding(
                name,
                "not-checkable",
                f"not checkable here: {situation}; run pip-audit where the advisory service "
                "is reachable",
            )
        )
    return Verdict(tuple(findings), at_latest=False)


def python_note(requires_python: str) -> str:
    """Say so when the newer release cannot run here: then upgrading means a newer Python first."""
    here = platform.python_version()
    try:
        if not requires_python or SpecifierSet(requires_python).contains(here):
            return ""
    except InvalidSpecifier:
        return ""
    return f" (needs Python {requires_python}; this is {here})"


def fix_on_own_series(pinned: str, advisory: Advisory) -> bool:
    """True when the advisory names a fix on the pin's own major.minor series newer than the pin.

    PyPI lists advisories that affect the latest release and keeps only their fixed versions, not
    where each affected range starts. A fix on our series after our pin means the series was
    affected up to that fix, so the pin is taken as affected; a fix on another series says nothing
    about ours, and no fix at all says nothing either, so those stay "not checkable here".
    """
    try:
        pin = Version(pinned)
        fixes = [Version(f) for f in advisory.fixed_in]
    except InvalidVersion:
        return False
    return any(fix > pin and fix.release[:2] == pin.release[:2] for fix in fixes)


# --- pip-audit ------------------------------------------------------------------------------


def probe_pip_audit(pin: Pin, fetch: Fetch) -> str | None:
    """None when pip-audit's default service (PyPI per-version JSON) answers, else why not."""
    url = f"{fetch.pypi}/{pin.key}/{pin.version}/json"
    try:
        response = httpx.get(
            url, timeout=min(fetch.timeout, 5.0), headers={"User-Agent": USER_AGENT}
        )
    except httpx.TransportError as error:
        return f"{url} cannot be reached ({type(error).__name__})"
    if response.status_code != 200:
        return f"{url} answered HTTP {response.status_code}"
    return None


def run_pip_audit(lock: Path) -> int:
    command = [sys.executable, "-m", "pip_audit", "--strict", "-r", str(lock)]
    print("$ pip-audit --strict -r", lock.name, flush=True)
    return subprocess.run(command, check=False).returncode


# --- The run --------------------------------------------------------------------------------


def _run_apart(work: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run`` in a thread of its own: callers that already run an event loop (a test
    session that also drives Playwright's sync API, say) cannot start a second one in theirs."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, work).result()


def audit(args: argparse.Namespace) -> int:
    lock: Path = args.lock
    fetch = Fetch(args.pypi_url.rstrip("/"), args.timeout, args.retries, args.backoff, 8)
    pins = read_lock(lock)
    print(f"Auditing {len(pins)} pins in {lock.name} against {fetch.pypi}")

    environment = environment_findings(pins, args.project)
    documents = _run_apart(fetch_projects(pins, fetch))
    verdicts = [judge(pin, parse_project(pin.name, documents[pin.key])) for pin in pins]

    findings = environment + [f for v in verdicts for f in v.findings]
    for finding in findings:
        print(f"{finding.level}  {finding.package}: {finding.message}")
    failures = [f for f in findings if f.level == "FAIL"]
    count = Counter(f.kind for f in findings)
    at_latest = sum(v.at_latest for v in verdicts)
    print(
        f"\nSummary: {len(pins)} pins; {at_latest} at the latest release (checked against PyPI's "
        f"advisories); {len(pins) - at_latest} not at the latest release "
        f"({count['not-checkable']} not checkable here); {count['vulnerable']} vulnerable; "
        f"{count['yanked']} yanked; {count['unpublished']} not published; "
        f"{count['environment']} lock/environment mismatches."
    )

    unreachable = probe_pip_audit(pins[0], fetch)
    if unreachable is None:
        status = run_pip_audit(lock)
        print(f"pip-audit (full advisory database): exit code {status}")
        if status != 0:
            failures.append(Finding("pip-audit", "pip-audit", f"exit code {status}"))
    else:
        print(
            "pip-audit (full advisory database): SKIPPED — its vulnerability service cannot be "
            f"reached here: {unreachable}.\n{SKIPPED_WHY}"
        )
    print(
        f"Result: {'FAIL' if failures else 'OK'} "
        f"({len(failures)} failures, {count['not-checkable']} warnings)"
    )
    return 1 if failures else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--lock", type=Path, default=ROOT / "requirements.lock")
    parser.add_argument("--project", default=PROJECT, help="what `make setup` installs")
    parser.add_argument("--pypi-url", default=PYPI, help="base of /<name>/json")
    parser.add_argument("--timeout", type=float, default=15.0, help="seconds per request")
    parser.add_argument("--retries", type=int, default=3)
    parser.add_argument("--backoff", type=float, default=1.0, help="first retry delay, seconds")
    parser.add_argument("--freeze", action="store_true", help="print the lock for this env")
    args = parser.parse_args(argv)
    try:
        if args.freeze:
            sys.stdout.write(freeze(args.project))
            return 0
        return audit(args)
    except (AuditError, InvalidRequirement) as error:
        print(f"Error: {error}", file=sys.stderr)
        print("Result: the audit could not run (exit code 2)", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
