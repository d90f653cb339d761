"""A build and a site generation run the cyclic garbage collector rarely (see
:mod:`unld.core.collector`), and leave its thresholds as they found them."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE
from unld.build import pipeline
from unld.core import collector
from unld.publishing.site import render

BASE = "https://w3id.org/unld/"


def test_a_build_and_its_site_run_with_the_collector_s_thresholds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, tuple[int, int, int]] = {}
    describe, prepare = pipeline.describe, render.Site.prepare

    def described(*args: object, **kwargs: object) -> object:
        seen["build"] = gc.get_threshold()
        return describe(*args, **kwargs)

    def prepared(self: render.Site) -> None:
        seen["site"] = gc.get_threshold()
        prepare(self)

    monkeypatch.setattr(pipeline, "describe", described)
    monkeypatch.setattr(render.Site, "prepare", prepared)
    before = gc.get_threshold()
    assert before != collector.THRESHOLDS
    pipeline.build([str(EXAMPLE)], tmp_path / "out", BASE, jobs=1, site=False)
    assert seen == {"build": collector.THRESHOLDS}
    assert gc.get_threshold() == before
    seen.clear()
    render.generate(tmp_path / "out" / "unld.nq", tmp_path / "site", BASE, jobs=1)
    assert seen == {"site": collector.THRESHOLDS}
    assert gc.get_threshold() == before


def test_overlapping_uses_restore_the_thresholds_once_the_last_ends() -> None:
    """Uses that overlap (nested, or a build in one thread while another starts) keep the
    high thresholds until the last ends, then give back those from before the first."""
    before = gc.get_threshold()
    first, second = collector.rarely(), collector.rarely()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first to start ends first: the other still runs
    assert gc.get_threshold() == collector.THRESHOLDS
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before
