"""Fixtures of the hook and scan tests; the helpers they share are in hooktools.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hooktools import fake_migrate_text

import migrator.api
from migrator import config


@pytest.fixture
def fake_pipeline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(migrator.api, "migrate_text", fake_migrate_text)
    yield


@pytest.fixture(autouse=True)
def fresh_config_cache() -> Iterator[None]:
    config.clear_cache()
    yield
    config.clear_cache()
