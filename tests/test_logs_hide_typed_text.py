"""Nothing people type reaches a log: a failing statement's parameters (a note, a title) stay out of the
exception text and of the log line that records it, on every engine the project makes."""

from __future__ import annotations

import logging
import re
import traceback
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from models import Action

SECRET = "PRIVATE NOTE: Jan is leaving the firm"
ROOT = Path(__file__).resolve().parents[1]


def test_a_failing_statement_logs_no_parameter_values(deps, caplog):
    caplog.set_level(logging.DEBUG)
    log = logging.getLogger("conscience.test")
    now = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
    with pytest.raises(IntegrityError) as caught:
        with deps.transaction() as session:
            session.add(  # no such owner or workspace: the foreign keys refuse the row
                Action(
                    workspace_id=987654,
                    owner_id=987654,
                    created_by_id=987654,
                    title=SECRET,
                    notes=SECRET,
                    due_date=date(2026, 12, 4),
                    created_at=now,
                    updated_at=now,
                )
            )
            try:
                session.flush()
            except IntegrityError:
                log.exception("saving an action failed")
                raise
    text = str(caught.value) + "".join(traceback.format_exception(caught.value))
    assert "hidden due to hide_parameters" in text  # SQLAlchemy would have printed them here
    assert SECRET not in text
    logged = "\n".join(logging.Formatter().format(r) for r in caplog.records)
    assert "saving an action failed" in logged and SECRET not in logged


def test_every_engine_in_the_project_hides_parameters():
    """create_engine / engine_from_config anywhere (models, the worker's deps, alembic env, bench, simulate)."""
    makers = re.compile(r"\b(create_engine|engine_from_config)\(")
    found = []
    for path in ROOT.rglob("*.py"):
        if any(part in (".venv", ".worktrees", "tests") for part in path.relative_to(ROOT).parts):
            continue
        source = path.read_text()
        for match in makers.finditer(source):
            call = source[match.start() : source.find("\n\n", match.start())]
            found.append((path.relative_to(ROOT).as_posix(), "hide_parameters=True" in call))
    assert found and all(hidden for _, hidden in found), found
