"""Limits come from the defaults, then the environment, then the command line."""

from __future__ import annotations

import pytest

from loaders import limits


@pytest.fixture(autouse=True)
def no_overrides():
    limits._overrides.clear()
    yield
    limits._overrides.clear()


def test_a_limit_set_both_ways_takes_the_command_lines(monkeypatch):
    monkeypatch.setenv("TABLERO_MAX_ROWS", "1_000")
    assert limits.active().rows == 1000
    limits.override(rows=50)
    assert limits.active().rows == 50


def test_a_variable_that_is_no_plain_number_is_ignored(monkeypatch):
    monkeypatch.setenv("TABLERO_MAX_COLUMNS", "²")
    assert limits.active().columns == limits.Limits().columns
