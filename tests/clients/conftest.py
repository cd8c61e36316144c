"""The real clients nobody here wrote, and how the tests drive them.

LibreOffice Calc headless (Debian's ``libreoffice-calc-nogui``, installed by ``make system``) opens
the files and saves them as flat OpenDocument (``.fods``), whose cells say whether LibreOffice read
a number or a text; the JSON-stat reference toolkit runs on Node from ``tests/clients/node``
(``npm ci`` there, also by ``make system``). In CI (``CI`` set) a missing client fails the tests;
on a developer's machine they are skipped with the command that installs it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

NODE_DIR = Path(__file__).parent / "node"


def missing(what: str, install: str) -> None:
    message = f"{what} is missing; install it with: {install}"
    if os.environ.get("CI"):
        pytest.fail(message + " (CI must run every client test)")
    pytest.skip(message)


Convert = Callable[[Sequence[Path], str, str | None], list[Path]]


@pytest.fixture(scope="session")
def libreoffice(tmp_path_factory: pytest.TempPathFactory) -> Convert:
    """``convert(files, target, infilter)``: one soffice run converting all ``files`` (starting
    LibreOffice costs seconds, so each test batches its files), the converted paths in order."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        missing("LibreOffice Calc", "make system (apt-get install libreoffice-calc-nogui)")
    assert soffice is not None
    # A profile of its own, so a desktop LibreOffice (or a parallel run) never locks it.
    profile = tmp_path_factory.mktemp("lo-profile")

    def convert(files: Sequence[Path], target: str, infilter: str | None) -> list[Path]:
        outdir = files[0].parent / f"converted-{target}"
        command = [
            str(soffice),
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            *([f"--infilter={infilter}"] if infilter else []),
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            *map(str, files),
        ]
        subprocess.run(command, check=True, capture_output=True, timeout=180)
        converted = [outdir / f"{f.stem}.{target}" for f in files]
        for path in converted:
            assert path.is_file(), f"LibreOffice did not convert {path.name}"
        return converted

    return convert


@pytest.fixture(scope="session")
def jsonstat_toolkit() -> Callable[[Sequence[Path]], list[dict[str, Any]]]:
    """``read(files)``: what jsonstat-toolkit (tests/clients/node/read.cjs) makes of each file."""
    node = shutil.which("node")
    if node is None:
        missing("Node.js", "apt-get install nodejs npm")
    if not (NODE_DIR / "node_modules" / "jsonstat-toolkit").is_dir():
        missing("jsonstat-toolkit", "make system (npm ci in tests/clients/node)")

    def read(files: Sequence[Path]) -> list[dict[str, Any]]:
        done = subprocess.run(
            [str(node), str(NODE_DIR / "read.cjs"), *map(str, files)],
            check=True,
            capture_output=True,
            timeout=120,
        )
        result: list[dict[str, Any]] = json.loads(done.stdout)
        return result

    return read
