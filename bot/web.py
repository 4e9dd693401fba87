"""The WSGI application: Bolt at /slack/events and a health check at /healthz.

gunicorn serves it in production (`app:web_application()`); `python app.py` serves it with the
standard library's threaded server.

A listener's work after its ack (saving, sending, the Home tab) waits until the ack's HTTP answer has been
written: after the ack the answer still has to pass Bolt, the adapter and the server, and work running beside
them (on the same GIL) delays what Slack waits for. The WSGI server calls the body's
`close()` once the answer is out (PEP 3333); that opens the gate `ack()` waits behind in the listener's thread.
In Socket Mode no gate is set and the work runs at once.

The other way round, the request's thread does not find the ack by Bolt's poll (it looks every 10 ms, so an ack
made 1 ms after a look waited 9 ms more): reading `ack.response` there waits for the listener's ack itself, and
the answer leaves the moment it is made.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import Ack, App, BoltRequest, BoltResponse
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
from slack_bolt.adapter.wsgi.http_response import WsgiHttpResponse
from sqlalchemy import Engine

from models.db import database_answers

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
SLACK_PATH = "/slack/events"
# The longest a listener's after-work waits for its answer to be written (Slack itself waits 3 s).
AFTER_RESPONSE_WAIT_S = 2.0
# The longest the request's thread waits for a listener's ack (Bolt's own ack timeout; Slack's limit).
ACK_WAIT_S = 3.0


class AckThenWait(Ack):
    """Bolt's ack, which, called from the listener's thread, returns once the HTTP answer is written; and whose
    `response`, read in the request's thread (Bolt's poll), is there as soon as the listener made it."""

    def __init__(self, written: threading.Event) -> None:
        self._written = written
        self._request_thread = threading.get_ident()
        self._made = threading.Event()
        self._waited = False
        super().__init__()

    @property
    def response(self) -> BoltResponse | None:
        if self._response is None and not self._waited and threading.get_ident() == self._request_thread:
            # Once: a listener that never acks (or a read after Bolt gave up) costs one wait, as Bolt's loop did.
            self._waited = not self._made.wait(ACK_WAIT_S)
        return self._response

    @response.setter
    def response(self, value: BoltResponse | None) -> None:
        self._response = value
        if value is not None:
            self._made.set()

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        response = super().__call__(*args, **kwargs)
        # Bolt acks events itself in the request's own thread, before the answer exists: no wait there.
        if threading.get_ident() != self._request_thread:
            self._written.wait(AFTER_RESPONSE_WAIT_S)
        return response


class _Body:
    """The answer's body; the server calls close() once it has written it, which opens the gate."""

    def __init__(self, chunks: Iterable[bytes], written: threading.Event) -> None:
        self._chunks, self._written = chunks, written

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._chunks)

    def close(self) -> None:
        self._written.set()


def make_wsgi_app(bolt_app: App, engine: Engine) -> WSGIApp:
    def slack(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        request = WsgiHttpRequest(environ)
        if request.method != "POST" or request.path != SLACK_PATH:
            start_response("404 Not Found", [("Content-Type", "text/plain;charset=utf-8")])
            return [b"Not Found"]
        written = threading.Event()
        answer = bolt_app.dispatch(
            BoltRequest(
                body=request.get_body(),
                query=request.query_string,
                headers=request.get_headers(),
                context={"ack": AckThenWait(written)},
            )
        )
        response = WsgiHttpResponse(status=answer.status, headers=answer.headers, body=answer.body)
        start_response(response.status, response.get_headers())
        return _Body(response.get_body(), written)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/healthz":
            healthy = database_answers(engine)
            body = json.dumps({"database": "ok" if healthy else "unreachable"}).encode()
            start_response(
                "200 OK" if healthy else "503 Service Unavailable",
                [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
            )
            return [body]
        return slack(environ, start_response)

    return application


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # the app logs each request itself
        pass


def serve(application: WSGIApp, host: str, port: int) -> ThreadingWSGIServer:
    return make_server(host, port, application, server_class=ThreadingWSGIServer, handler_class=QuietHandler)
