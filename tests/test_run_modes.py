"""The run modes as a person starts them: `python app.py` in HTTP mode, and `python -m bot.worker --once`."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fake_slack import FakeSlack
from tests.slack_client import SlackClient

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, limit: float = 60) -> int:
    """Poll until the server answers (start-up synchronisation, not a timing assertion)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                f"app exited with {process.returncode}: {process.stderr.read() if process.stderr else ''}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code
        except OSError:
            time.sleep(0.1)
    raise AssertionError("app did not come up")


def environment(fake: FakeSlack, database_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "LOG_"))}
    env.update(
        SLACK_BOT_TOKEN="xoxb-e2e",
        SLACK_SIGNING_SECRET="e2e-secret",
        SLACK_API_URL=fake.url,
        DATABASE_URL=database_url,
        **extra,
    )
    return env


def migrate(env: dict[str, str]) -> None:
    """The newest schema in the environment's database, as the Procfile's release step does."""
    subprocess.run(
        [sys.executable, "-m", "alembic", "-c", str(ROOT / "alembic.ini"), "upgrade", "head"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )


@pytest.fixture
def app_process(tmp_path: Path, fake_slack: FakeSlack) -> Iterator[tuple[str, subprocess.Popen]]:
    port = free_port()
    env = environment(fake_slack, f"sqlite:///{tmp_path}/e2e.db", PORT=str(port), LOG_FORMAT="json")
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py")],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_until_up(f"{base}/healthz", process) == 200
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_http_mode_serves_signed_commands_and_refuses_unsigned(app_process, fake_slack: FakeSlack) -> None:
    base, process = app_process
    client = SlackClient(f"{base}/slack/events", "e2e-secret", fake_slack)
    answer = client.command("/conscience", "help")
    assert answer.status == 200
    assert "/conscience language" in json.dumps(answer.json())
    assert client.command("/conscience", "help", signed=False).status == 401
    process.terminate()
    _, err = process.communicate(timeout=10)
    lines = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    handled = [line for line in lines if line.get("what") == "command /conscience"]
    assert handled and handled[0]["workspace"] == "T1" and handled[0]["user"] == "U1"
    assert "duration_ms" in handled[0]
    assert "xoxb-e2e" not in err and "e2e-secret" not in err


def test_worker_once_runs_one_tick_and_exits(tmp_path: Path, fake_slack: FakeSlack) -> None:
    env = environment(fake_slack, f"sqlite:///{tmp_path}/w.db")
    migrate(env)
    result = subprocess.run(
        [sys.executable, "-m", "bot.worker", "--once"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "tick" in result.stderr


def test_the_worker_stops_cleanly_on_sigterm(tmp_path: Path, fake_slack: FakeSlack) -> None:
    env = environment(fake_slack, f"sqlite:///{tmp_path}/w.db")
    migrate(env)
    worker = subprocess.Popen(
        [sys.executable, "-m", "bot.worker"], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True
    )
    assert worker.stderr is not None
    for line in worker.stderr:  # wait until it runs, however slow the machine
        if "worker started" in line:
            break
    worker.send_signal(signal.SIGTERM)  # what a platform sends before a restart
    assert worker.wait(timeout=60) == 0
    assert "finishing the messages in flight" in worker.stderr.read()


def test_python_app_py_delivers_what_is_due(tmp_path: Path, fake_slack: FakeSlack) -> None:
    """The all-in-one mode runs the worker's job too: a due message reaches Slack without a worker."""
    from datetime import UTC, date, datetime, timedelta

    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from models import Action, Nudge, Person, Workspace

    database_url = f"sqlite:///{tmp_path}/all.db"
    env = environment(fake_slack, database_url, PORT=str(free_port()))
    migrate(env)
    now = datetime.now(UTC)
    engine = create_engine(database_url)
    with Session(engine) as session, session.begin():
        workspace = Workspace(slack_team_id="T1", created_at=now)
        session.add(workspace)
        session.flush()
        person = Person(workspace_id=workspace.id, slack_user_id="U1", created_at=now, updated_at=now,
                        timezone="Europe/Amsterdam", timezone_checked_at=now)
        session.add(person)
        session.flush()
        action = Action(workspace_id=workspace.id, owner_id=person.id, created_by_id=person.id, title="Call Jan",
                        due_date=date.today(), status="done", done_at=now, created_at=now, updated_at=now)
        session.add(action)
        session.flush()
        # A celebration goes out whatever the hour, so the test does not depend on the time of day.
        session.add(Nudge(workspace_id=workspace.id, person_id=person.id, action_id=action.id, action_ids=[action.id],
                          kind="celebration", tone="inspire", due_at=now - timedelta(minutes=1),
                          local_date=date.today(), created_at=now))
    engine.dispose()
    process = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=tmp_path, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        [post] = fake_slack.wait_for("chat.postMessage", timeout=60)
        assert post.params["channel"] == "U1" and "Call Jan" in post.params["text"]
    finally:
        process.terminate()
        process.wait(timeout=10)
