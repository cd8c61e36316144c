"""No secrets in the repository: every tracked file is scanned for private keys and token shapes."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

PATTERNS = {
    "private key": re.compile(
        rb"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY"
    ),
    "AWS access key": re.compile(rb"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "GitHub token": re.compile(rb"\bgh[pousr]_[A-Za-z0-9]{36,}\b|\bgithub_pat_[A-Za-z0-9_]{40,}"),
    "Slack token": re.compile(rb"\bxox[baprs]-[A-Za-z0-9-]{10,}"),
    "Google API key": re.compile(rb"\bAIza[0-9A-Za-z_-]{35}\b"),
    "Stripe/OpenAI-style key": re.compile(
        rb"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|\bsk-[A-Za-z0-9]{32,}"
    ),
    "password assignment": re.compile(
        rb"(?i)\b(?:password|passwd|secret|api_?key|token)\s*[:=]\s*[\"'][^\"'\s]{8,}[\"']"
    ),
    "URL with credentials": re.compile(rb"\b[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s:@]{3,}@[^\s]+"),
}
# Test files that must contain a pattern to test for it are listed here, with the reason.
ALLOWED = {"tests/quality/test_secrets.py"}  # the patterns themselves


def tracked_files() -> list[str]:
    out = subprocess.run(["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True)
    return [name for name in out.stdout.decode().split("\0") if name]


def test_the_scan_sees_the_repository() -> None:
    files = tracked_files()
    assert "pyproject.toml" in files and len(files) > 50


def test_the_patterns_catch_what_they_are_for() -> None:
    samples = {
        "private key": b"-----BEGIN OPENSSH PRIVATE KEY-----",
        "AWS access key": b"AKIA" + b"ABCDEFGHIJKLMNOP",
        "GitHub token": b"ghp_" + b"a" * 36,
        "password assignment": b'password = "' + b"hunter2hunter2" + b'"',
        "URL with credentials": b"https://user:" + b"s3cretpw@example.org/x",
    }
    for label, sample in samples.items():
        assert PATTERNS[label].search(sample), label


def test_no_tracked_file_holds_a_secret() -> None:
    found = []
    for name in tracked_files():
        if name in ALLOWED:
            continue
        path = REPO / name
        if not path.is_file() or path.stat().st_size > 5_000_000:
            continue
        content = path.read_bytes()
        for label, pattern in PATTERNS.items():
            match = pattern.search(content)
            if match:
                found.append(f"{name}: {label}: {match.group(0)[:40]!r}")
    assert not found, "\n".join(found)
