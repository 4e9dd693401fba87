"""A listener's work after its ack starts once Slack's answer is written, so it never delays that answer."""

from __future__ import annotations

import io
import threading
import time
import urllib.parse
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from slack_bolt import Ack, App
from slack_bolt.authorization import AuthorizeResult
from sqlalchemy import create_engine

from bot.web import AckThenWait, make_wsgi_app
from tests.slack_client import sign

SECRET = "after-response-secret"


def _command_environ(text: str) -> dict[str, Any]:
    body = urllib.parse.urlencode(
        {"command": "/action", "text": text, "team_id": "T1", "user_id": "U1", "trigger_id": "1.2.3"}
    ).encode()
    stamp = str(int(time.time()))
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.input": io.BytesIO(body),
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": stamp,
        "HTTP_X_SLACK_SIGNATURE": sign(SECRET, stamp, body),
    }


def test_the_work_after_an_ack_waits_until_the_answer_is_written() -> None:
    happened: list[str] = []
    finished: list[Future[Any]] = []
    executor = ThreadPoolExecutor(max_workers=2)
    original_submit = executor.submit

    def tracked_submit(fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = original_submit(fn, *args, **kwargs)
        finished.append(future)
        return future

    executor.submit = tracked_submit  # type: ignore[method-assign]
    bolt = App(
        signing_secret=SECRET,
        authorize=lambda **_: AuthorizeResult(enterprise_id=None, team_id="T1", bot_token="xoxb-test"),
        listener_executor=executor,
    )

    @bolt.command("/action")
    def quick(ack: Ack) -> None:
        ack("saved")
        happened.append("work after the ack")

    application = make_wsgi_app(bolt, create_engine("sqlite://"))
    statuses: list[str] = []
    body = application(_command_environ("call Jan"), lambda status, headers: statuses.append(status))
    assert statuses == ["200 OK"] and b"saved" in b"".join(body)
    happened.append("answer written")
    body.close()  # type: ignore[attr-defined]  # the server does this once the answer is out
    for future in finished:
        future.result(timeout=10)
    executor.shutdown()
    assert happened == ["answer written", "work after the ack"]


class _NeverWritten:
    """A gate that fails the test if anyone waits on it."""

    def wait(self, timeout: float | None = None) -> bool:
        raise AssertionError("an ack in the request's own thread must not wait for the answer it is part of")


def test_an_ack_in_the_requests_own_thread_does_not_wait() -> None:
    # Bolt acks events itself, in the thread that then writes the answer: waiting there would stall it.
    ack = AckThenWait(_NeverWritten())  # type: ignore[arg-type]
    assert ack().status == 200


def test_an_ack_from_the_listeners_thread_answers_bolt_first_then_waits_for_the_answer() -> None:
    written = threading.Event()
    ack = AckThenWait(written)
    returned = threading.Event()
    worker = threading.Thread(target=lambda: (ack("saved"), returned.set()))
    worker.start()
    deadline = time.monotonic() + 10
    while ack.response is None and time.monotonic() < deadline:  # Bolt polls for it the same way
        time.sleep(0.001)
    assert ack.response is not None and ack.response.body == "saved"
    assert not returned.is_set()  # the listener's work waits behind the gate
    written.set()
    worker.join(timeout=10)
    assert returned.is_set()


class _PollClock:
    """Bolt's thread runner's `time`, counting the 10 ms sleeps of its poll for the ack."""

    def __init__(self) -> None:
        self.sleeps = 0

    def time(self) -> float:
        return time.time()

    def sleep(self, seconds: float) -> None:
        self.sleeps += 1
        time.sleep(seconds)


def test_the_answer_leaves_as_soon_as_the_listener_acks(monkeypatch: Any) -> None:
    # Bolt looks for the ack every 10 ms; the request's thread here is woken by the ack itself instead.
    from slack_bolt.listener import thread_runner

    poll = _PollClock()
    monkeypatch.setattr(thread_runner, "time", poll)
    bolt = App(
        signing_secret=SECRET,
        authorize=lambda **_: AuthorizeResult(enterprise_id=None, team_id="T1", bot_token="xoxb-test"),
    )
    listener_may_ack = threading.Event()

    @bolt.command("/action")
    def quick(ack: Ack) -> None:
        listener_may_ack.wait(10)  # the request's thread is already looking for the ack
        ack("saved")

    application = make_wsgi_app(bolt, create_engine("sqlite://"))
    statuses: list[str] = []
    threading.Timer(0.05, listener_may_ack.set).start()
    body = application(_command_environ("call Jan"), lambda status, headers: statuses.append(status))
    assert statuses == ["200 OK"] and b"saved" in b"".join(body)
    body.close()  # type: ignore[attr-defined]
    assert poll.sleeps == 0


def test_a_listener_that_never_acks_costs_one_wait_not_one_per_look(monkeypatch: Any) -> None:
    monkeypatch.setattr("bot.web.ACK_WAIT_S", 0.01)
    ack = AckThenWait(threading.Event())
    assert ack.response is None  # waited once, in vain
    monkeypatch.setattr(ack, "_made", _NeverWritten())
    assert ack.response is None  # Bolt's later looks do not wait again
