"""Progress bars: a task shows a bar that `step` advances, nothing when quiet, and library
code may call `step` with no bar open."""

from __future__ import annotations

import pytest

import cge
from cge import progress


@pytest.fixture
def restore():
    yield
    progress._enabled = None


def test_step_without_an_open_task_does_nothing(restore):
    progress.step(description="no bar")     # must not raise
    assert progress._bar is None


def test_a_task_counts_steps_and_closes(restore):
    cge.set_progress(True)
    seen = []
    with progress.task("solving", total=3):
        for _ in range(3):
            progress.step()
        seen.append(progress._bar.tasks[0].completed)
        with progress.task("inner"):          # nested tasks share one display
            progress.step(0, "inner step")
            seen.append(progress._bar.tasks[-1].description)
    assert seen == [3, "inner step"] and progress._bar is None


def test_quiet_mode_shows_nothing(restore, monkeypatch):
    monkeypatch.setenv("CGE_QUIET", "1")
    assert not progress.progress_enabled()
    with progress.task("solving", total=2):
        assert progress._bar is None
    cge.set_progress(False)
    assert list(progress.track([1, 2], "items")) == [1, 2]
