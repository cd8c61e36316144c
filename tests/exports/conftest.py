"""Every download in these tests is made afresh, not replayed from the API's answer cache."""

from __future__ import annotations

import pytest

from oppvekst.api import answers, data
from oppvekst.api.answers import AnswerCache


@pytest.fixture(autouse=True)
def _no_kept_answers(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are about the files; the cache does not yet tell languages apart (see
    ``test_a_kept_answer_is_not_served_in_another_language``). A cache of size 0 keeps nothing."""
    empty = AnswerCache(0, 0)
    monkeypatch.setattr(answers, "ANSWERS", empty)
    monkeypatch.setattr(data, "ANSWERS", empty)
