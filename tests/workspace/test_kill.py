"""``kill -9`` in the middle of an upload or a restore leaves the previous version current and
complete: a child process writes until the new version's rows (or the restore's update) are in the
database but not committed, says so, and is killed with SIGKILL; the parent then reads the store."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path

from tests.workspace.conftest import People, metadata, synthetic_rows

from oppvekst.workspace import library
from oppvekst.workspace.visibility import version_rows, visible

REPO = Path(__file__).resolve().parents[2]

# The child: the same library call, with a hook that stops it (forever) right after the
# statement that matters has run inside the open transaction.
CHILD = textwrap.dedent(
    """
    import sys, time
    from sqlalchemy import event
    from oppvekst.accounts import sessions
    from oppvekst.accounts.store import UserStore
    from oppvekst.workspace import library
    from tests.workspace.conftest import synthetic_rows

    url, token, indicator_id, action, argument, marker = sys.argv[1:7]
    store = UserStore(url)
    viewer = sessions.find(store, token)

    @event.listens_for(store.engine, "after_cursor_execute")
    def _stop(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(marker):
            print("inside", flush=True)
            time.sleep(3600)

    if action == "upload":
        regions = tuple(str(3201 + i) for i in range(int(argument)))
        library.add_version(store, viewer, int(indicator_id), synthetic_rows(regions, seed=50), "ny.csv")
    else:
        library.restore(store, viewer, int(indicator_id), int(argument))
    """
)


def _killed_midway(people: People, viewer_key: str, *arguments: str) -> None:
    from oppvekst.accounts import sessions
    from oppvekst.accounts.store import UserStore

    store = people.store
    assert isinstance(store, UserStore)
    viewer = people.viewers[viewer_key]
    token = sessions.start(store, viewer.user_id, timedelta(hours=1))  # type: ignore[attr-defined]
    env = {**os.environ, "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}"}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, store.url, token, *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=env,
        text=True,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.strip() == "inside", child.stderr.read() if child.stderr else ""
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL


def test_kill_during_an_upload_keeps_the_previous_version(people: People) -> None:
    store, editor = people.store, people.viewers["editor@baerum"]
    info = library.create_indicator(store, editor, metadata("Drept under opplasting"))
    first = library.add_version(store, editor, info.id, synthetic_rows(seed=1), "gammel.csv")
    # The child stops after the new version's rows are inserted, before the commit.
    _killed_midway(people, "editor@baerum", str(info.id), "upload", "40", "INSERT INTO OWN_ROWS")
    assert [v.number for v in library.versions(store, editor, info.id)] == [1]
    seen = {v.id: v for v in visible(store, editor)}[info.id]
    assert seen.version_id == first.id
    rows = version_rows(store, [first.id])
    assert rows["numerator"].tolist() == synthetic_rows(seed=1)["numerator"].tolist()
    # The store is usable at once: the next upload succeeds and becomes version 2.
    again = library.add_version(store, editor, info.id, synthetic_rows(seed=2), "ny.csv")
    assert again.number == 2 and again.current


def test_kill_during_a_restore_keeps_the_current_version(people: People) -> None:
    store, editor = people.store, people.viewers["editor@baerum"]
    info = library.create_indicator(store, editor, metadata("Drept under gjenoppretting"))
    first = library.add_version(store, editor, info.id, synthetic_rows(seed=1), "en.csv")
    second = library.add_version(store, editor, info.id, synthetic_rows(seed=2), "to.csv")
    _killed_midway(
        people, "editor@baerum", str(info.id), "restore", str(first.id), "UPDATE OWN_INDICATORS"
    )
    assert library.indicator(store, editor, info.id).current_version == second.number
    seen = {v.id: v for v in visible(store, editor)}[info.id]
    assert seen.version_id == second.id
