"""scripts/audit_dependencies.py against a fake PyPI on 127.0.0.1 (never the internet).

The lock pins a real installed package (``idna``, which has no dependencies) at its installed
version and ``--project idna`` stands in for ``oppvekst[dev]``, so the lock/environment check runs
for real on every test; the fake index decides what PyPI says about that version.
"""

from __future__ import annotations

import importlib.util
import json
import socket
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from importlib import metadata
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest

from .loopback import LoopbackServer

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "audit_dependencies.py"
PACKAGE = "idna"
INSTALLED = metadata.version(PACKAGE)
# Short timeouts and back-off: the retry logic is real, the waiting is not.
FAST = ["--timeout", "2", "--retries", "2", "--backoff", "0.01"]


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


audit = load_script()


def release(yanked_reason: str | None = None) -> list[dict[str, Any]]:
    yanked = yanked_reason is not None
    return [{"filename": "x.whl", "yanked": yanked, "yanked_reason": yanked_reason or None}]


def advisory(ident: str, fixed_in: list[str], withdrawn: str | None = None) -> dict[str, Any]:
    return {
        "id": ident,
        "aliases": [f"CVE-2099-{ident[-4:]}"],
        "fixed_in": fixed_in,
        "summary": "Request smuggling",
        "withdrawn": withdrawn,
        "link": f"https://osv.dev/vulnerability/{ident}",
        "source": "osv",
    }


def project(
    latest: str,
    releases: dict[str, list[dict[str, Any]]],
    vulnerabilities: list[dict[str, Any]] | None = None,
) -> bytes:
    doc = {
        "info": {"name": PACKAGE, "version": latest, "requires_python": ">=3.8"},
        "releases": releases,
        "vulnerabilities": vulnerabilities or [],
    }
    return json.dumps(doc).encode()


@dataclass
class FakePyPI:
    """``/pypi/<name>/json`` from ``bodies``; per-version JSON 404 as PyPI answers it here."""

    bodies: dict[str, bytes] = field(default_factory=dict)
    unavailable_first: int = 0  # 503s before the first real answer
    per_version_status: int = 404
    hits: Counter[str] = field(default_factory=Counter)
    _server: LoopbackServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"{self._server.base}/pypi"

    def start(self) -> FakePyPI:
        self._server = LoopbackServer(self.answer)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path).path.strip("/").split("/")
        self.hits["/".join(parts)] += 1
        if len(parts) == 4:  # pypi/<name>/<version>/json: pip-audit's service
            self._send(handler, self.per_version_status, b'{"info": {}, "vulnerabilities": []}')
        elif sum(self.hits.values()) <= self.unavailable_first:
            self._send(handler, 503, b"<html>Service Unavailable</html>")
        elif len(parts) == 3 and parts[1] in self.bodies:
            self._send(handler, 200, self.bodies[parts[1]])
        else:
            self._send(handler, 404, b'{"message": "Not Found"}')

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # httpx honours proxy variables; the fake on loopback must be reached directly.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)


@pytest.fixture
def pypi() -> Iterator[FakePyPI]:
    fake = FakePyPI().start()
    yield fake
    fake.stop()


@dataclass(frozen=True)
class Run:
    code: int
    out: str
    err: str


def run_audit(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    url: str,
    lock: str = f"{PACKAGE}=={INSTALLED}\n",
    project_name: str = PACKAGE,
) -> Run:
    path = tmp_path / "requirements.lock"
    path.write_text(lock, encoding="utf-8")
    code = audit.main(["--lock", str(path), "--project", project_name, "--pypi-url", url, *FAST])
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)


def test_pin_at_latest_without_advisories_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pypi: FakePyPI
) -> None:
    pypi.bodies[PACKAGE] = project(INSTALLED, {"1.0": release(), INSTALLED: release()})
    run = run_audit(tmp_path, capsys, pypi.url)
    assert run.code == 0, run.out + run.err
    assert "1 at the latest release" in run.out
    assert "Result: OK (0 failures, 0 warnings)" in run.out
    # The service pip-audit needs answered 404, as on these machines: said plainly, not hidden.
    assert "pip-audit (full advisory database): SKIPPED" in run.out
    assert f"{PACKAGE}/{INSTALLED}/json answered HTTP 404" in run.out


def test_yanked_pin_fails_with_its_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pypi: FakePyPI
) -> None:
    pypi.bodies[PACKAGE] = project(
        "99.0", {INSTALLED: release("broken wheel metadata"), "99.0": release()}
    )
    run = run_audit(tmp_path, capsys, pypi.url)
    assert run.code == 1
    assert f"FAIL  {PACKAGE} {INSTALLED}: yanked from PyPI: broken wheel metadata" in run.out
    assert "1 yanked" in run.out


def test_vulnerable_latest_fails_with_ids_aliases_and_fixes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pypi: FakePyPI
) -> None:
    vulnerable = [advisory("GHSA-aaaa-bbbb-1234", ["99.1"])]
    pypi.bodies[PACKAGE] = project(INSTALLED, {INSTALLED: release()}, vulnerable)
    run = run_audit(tmp_path, capsys, pypi.url)
    assert run.code == 1
    line = next(line for line in run.out.splitlines() if line.startswith("FAIL"))
    assert "GHSA-aaaa-bbbb-1234" in line
    assert "CVE-2099-1234" in line
    assert "fixed in: 99.1" in line
    assert "1 vulnerable" in run.out


def test_withdrawn_advisory_is_ignored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pypi: FakePyPI
) -> None:
    withdrawn = [advisory("PYSEC-2099-1", ["99.1"], withdrawn="2099-01-02T00:00:00Z")]
    pypi.bodies[PACKAGE] = project(INSTALLED, {INSTALLED: release()}, withdrawn)
    run = run_audit(tmp_path, capsys, pypi.url)
    assert run.code == 0, run.out
    assert "PYSEC-2099-1" not in run.out


def test_outdated_pin_is_a_counted_warning_not_a_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pypi: FakePyPI
) -> None:
    # The advisory affects 99.0 and its fix is on another series: says nothing about our pin.
    vulnerable = [advisory("GHSA-cccc-dddd-5678", ["99.1"])]
    pypi.bodies[PACKAGE] = project("99.0", {INSTALLED: release(), "99.0": release()}, vulnerable)
    run = run_audit(tmp_path, capsys, pypi.url)
    assert run.code == 0, run.out
    assert (
        f"WARN  {PACKAGE} {INSTALLED}: not checkable here: newer release 99.0 exists; "
        "run pip-audit where the advisory service is reachable"
    ) in run.out
    assert "1 not at the latest release (1 not checkable here)" in run.out
    assert "Result: OK (0 failures, 1 warnings)" in run.out


def test_outdated_pin_with_a_newer_fix_on_its_own_series_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pypi: FakePyPI
) -> None:
    major, minor = [*INSTALLED.split("."), "0"][:2]
    backport = f"{major}.{minor}.999"  # a fix on our major.minor, newer than our pin
    vulnerable = [advisory("GHSA-eeee-ffff-9012", [backport, "99.1"])]
    releases = {INSTALLED: release(), backport: release(), "99.0": release()}
    pypi.bodies[PACKAGE] = project("99.0", releases, vulnerable)
    run = run_audit(tmp_path, capsys, pypi.url)
    assert run.code == 1
    assert f"FAIL  {PACKAGE} {INSTALLED}: GHSA-eeee-ffff-9012" in run.out
    assert not [line for line in run.out.splitlines() if line.startswith("WARN")]


def test_transient_503s_are_retried(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pypi: FakePyPI
) -> None:
    pypi.unavailable_first = 2
    pypi.bodies[PACKAGE] = project(INSTALLED, {INSTALLED: release()})
    run = run_audit(tmp_path, capsys, pypi.url)
    assert run.code == 0, run.out + run.err
    assert pypi.hits[f"pypi/{PACKAGE}/json"] == 3


def test_unreachable_registry_exits_2_and_says_what_to_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    run = run_audit(tmp_path, capsys, f"http://127.0.0.1:{port}/pypi")
    assert run.code == 2
    assert "Cannot reach the package registry" in run.err
    assert "after 3 attempts" in run.err
    assert "--pypi-url" in run.err


@pytest.mark.parametrize(
    "body",
    [b"<html>captive portal</html>", b'{"info": {"version": "1.0"}}'],
    ids=["not-json", "missing-releases"],
)
def test_malformed_answer_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pypi: FakePyPI, body: bytes
) -> None:
    pypi.bodies[PACKAGE] = body
    run = run_audit(tmp_path, capsys, pypi.url)
    assert run.code == 2
    assert "Error:" in run.err
    assert "could not run (exit code 2)" in run.err


def test_lock_that_disagrees_with_the_environment_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pypi: FakePyPI
) -> None:
    pypi.bodies[PACKAGE] = project("0.0.1", {"0.0.1": release(), INSTALLED: release()})
    run = run_audit(tmp_path, capsys, pypi.url, lock=f"{PACKAGE}==0.0.1\n")
    assert run.code == 1
    assert f"FAIL  {PACKAGE}: locked at 0.0.1, installed {INSTALLED}" in run.out
    assert "1 lock/environment mismatches" in run.out


def test_lock_missing_what_the_project_installs_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pypi: FakePyPI
) -> None:
    # httpx pulls in idna among others; a lock of idna alone leaves httpx itself unaudited.
    pypi.bodies[PACKAGE] = project(INSTALLED, {INSTALLED: release()})
    run = run_audit(tmp_path, capsys, pypi.url, project_name="httpx")
    assert run.code == 1
    assert f"httpx: installed {metadata.version('httpx')} for httpx, not locked" in run.out


def test_lock_line_that_is_not_a_pin_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], pypi: FakePyPI
) -> None:
    run = run_audit(tmp_path, capsys, pypi.url, lock=f"{PACKAGE}>=1.0\n")
    assert run.code == 2
    assert "is not a 'name==version' pin" in run.err


def test_reachable_service_also_runs_pip_audit(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    pypi: FakePyPI,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pypi.per_version_status = 200
    pypi.bodies[PACKAGE] = project(INSTALLED, {INSTALLED: release()})
    ran: list[Path] = []

    def fake_pip_audit(lock: Path) -> int:
        ran.append(lock)
        return 1  # pip-audit found something our partial check could not see

    # The real pip-audit would ask pypi.org itself; the wiring is what is under test.
    monkeypatch.setattr(audit, "run_pip_audit", fake_pip_audit)
    run = run_audit(tmp_path, capsys, pypi.url)
    assert ran == [tmp_path / "requirements.lock"]
    assert run.code == 1
    assert "pip-audit (full advisory database): exit code 1" in run.out


def test_freeze_lists_what_the_project_pulls_in_without_the_project_itself() -> None:
    lock = audit.freeze("oppvekst")
    names = {line.split("==")[0].lower() for line in lock.splitlines()}
    assert f"{PACKAGE}=={INSTALLED}" in lock.splitlines()  # via httpx
    assert "oppvekst" not in names  # the editable checkout is not a dependency
    assert "pytest" not in names  # installed here, but only for the [dev] extra
