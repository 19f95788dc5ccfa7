"""The in-process memo: loads once per generation, renews everywhere on a bump, keeps nothing read inside a
transaction (it may be rolled back)."""

import pytest

from civicdesk.lib import memo as memo_module
from civicdesk.lib.memo import Memo


@pytest.fixture
def loads():
    calls = []

    def load(value):
        def loader():
            calls.append(value)
            return value

        return loader

    load.calls = calls
    return load


def test_a_value_is_loaded_once_until_the_rows_change(loads):
    memo = Memo("test-once")
    assert memo.get("gulen", loads("Gulen")) == "Gulen"
    assert memo.get("gulen", loads("Gulen again")) == "Gulen"
    memo.bump()
    assert memo.get("gulen", loads("Gulen renamed")) == "Gulen renamed"
    assert loads.calls == ["Gulen", "Gulen renamed"]


def test_a_change_in_one_process_reaches_the_others(loads, monkeypatch):
    monkeypatch.setattr(memo_module, "CHECK_EVERY_SECONDS", 0)
    here, there = Memo("test-shared"), Memo("test-shared")  # the same memo in two processes
    assert there.get("topic", loads("old")) == "old"
    here.bump()
    assert there.get("topic", loads("new")) == "new"


def test_unknown_keys_from_outside_are_not_kept(loads):
    memo = Memo("test-none")
    assert memo.get("cdk_guess", loads(None), remember_none=False) is None
    assert memo.get("cdk_guess", loads(None), remember_none=False) is None
    assert loads.calls == [None, None]


def test_nothing_read_inside_a_transaction_is_kept(db, loads):
    memo = Memo("test-transaction")  # the db fixture runs this test inside a transaction
    memo.get("topic", loads("uncommitted"))
    memo.get("topic", loads("committed"))
    assert loads.calls == ["uncommitted", "committed"]
