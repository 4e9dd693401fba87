"""Conscience, all in one: `python app.py`.

Migrates the database, starts the scheduler in the background, then serves Slack in Socket Mode
(when SLACK_APP_TOKEN is set) or over HTTP on PORT at /slack/events, with GET /healthz.
Production splits these up: see the Procfile (`web_application()` is gunicorn's entry point).
"""

from __future__ import annotations

import logging
import sys

from bot.boot import boot, settle_garbage_collection
from bot.web import WSGIApp

log = logging.getLogger("conscience")


def web_application() -> WSGIApp:
    """gunicorn's entry point (`app:web_application()`): the WSGI app, without the scheduler."""
    from bot.app_factory import create_app
    from bot.web import make_wsgi_app

    deps = boot(migrate=False)
    application = make_wsgi_app(create_app(deps), deps.engine)
    settle_garbage_collection()
    return application


def main() -> int:
    from bot.app_factory import create_app
    from bot.web import make_wsgi_app, serve
    from bot.worker import start_background

    deps = boot(migrate=True)
    bolt_app = create_app(deps)
    scheduler = start_background(deps)
    wsgi = make_wsgi_app(bolt_app, deps.engine)
    settle_garbage_collection()
    settings = deps.settings
    try:
        if settings.socket_mode:
            # The health check still answers on PORT, for hosts that probe it.
            import threading

            from slack_bolt.adapter.socket_mode import SocketModeHandler

            server = serve(wsgi, "0.0.0.0", settings.port)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            log.info("Socket Mode; health check on port %s", settings.port)
            SocketModeHandler(bolt_app, settings.slack_app_token).start()
        else:
            server = serve(wsgi, "0.0.0.0", settings.port)
            log.info("HTTP mode: Slack events at http://localhost:%s/slack/events", settings.port)
            server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        scheduler.shutdown(wait=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
