"""The first slice through the stack: /conscience help and language, the App Home, signatures, /healthz."""

from __future__ import annotations

import json
import urllib.request

from sqlalchemy import select

from models import Event, Person
from tests.fake_slack import FakeSlack
from tests.harness import RunningApp


def all_text(payload: dict) -> str:
    return json.dumps(payload, ensure_ascii=False)


def test_help_answers_ephemerally_with_the_commands(slack, fake_slack: FakeSlack) -> None:
    answer = slack.command("/conscience", "help")
    assert answer.status == 200
    body = answer.json()
    assert body["response_type"] == "ephemeral"
    assert "/conscience language" in all_text(body["blocks"])


def test_empty_text_is_help_too(slack) -> None:
    body = slack.command("/conscience", "").json()
    assert "/conscience help" in all_text(body["blocks"])


def test_unknown_subcommand_suggests_the_closest(slack) -> None:
    body = slack.command("/conscience", "langauge nl").json()
    text = all_text(body["blocks"])
    assert "langauge" in text
    assert "Did you mean `/conscience language`?" in text


def test_unknown_subcommand_is_escaped(slack) -> None:
    body = slack.command("/conscience", "<!channel>").json()
    text = all_text(body)
    assert "<!channel>" not in text
    assert "&lt;!channel&gt;" in text


def test_requests_without_a_valid_signature_are_refused(slack) -> None:
    assert slack.command("/conscience", "help", signed=False).status == 401
    assert slack.command("/conscience", "help", secret="not-the-secret").status == 401
    stale = slack.command("/conscience", "help", timestamp=1_000_000_000)
    assert stale.status == 401


def test_language_is_stored_and_the_reply_is_in_the_new_language(slack, deps) -> None:
    body = slack.command("/conscience", "language nl").json()
    assert "Nederlands" in body["text"]
    with deps.sessions() as session:
        person = session.scalar(select(Person).where(Person.slack_user_id == "U1"))
        assert person is not None and person.language == "nl"
        kinds = session.scalars(select(Event.kind)).all()
        assert "language_set" in kinds
    help_nl = slack.command("/conscience", "help").json()
    assert "Commando's" in all_text(help_nl["blocks"])


def test_language_without_a_valid_choice_explains_the_options(slack, deps) -> None:
    body = slack.command("/conscience", "language fr").json()
    assert "/conscience language nl" in body["text"]
    with deps.sessions() as session:
        person = session.scalar(select(Person).where(Person.slack_user_id == "U1"))
        assert person is not None and person.language is None


def test_first_contact_creates_the_person_from_their_slack_profile(
    slack, running: RunningApp, fake_slack: FakeSlack, deps
) -> None:
    fake_slack.add_user("U7", tz="America/New_York", locale="nl-NL", name="Marieke")
    slack.command("/conscience", "help", user="U7", team="T9")
    running.settle()
    assert fake_slack.calls_to("users.info")[0].params["user"] == "U7"
    with deps.sessions() as session:
        person = session.scalar(select(Person).where(Person.slack_user_id == "U7"))
        assert person is not None
        assert (person.timezone, person.locale, person.display_name) == ("America/New_York", "nl-NL", "Marieke")
    # Their Slack locale is Dutch, so without a choice of their own the bot now speaks Dutch.
    assert "Commando's" in all_text(slack.command("/conscience", "help", user="U7", team="T9").json())


def test_people_are_scoped_by_workspace(slack, running: RunningApp, deps) -> None:
    slack.command("/conscience", "language nl", user="U1", team="T1")
    body = slack.command("/conscience", "help", user="U1", team="T2").json()
    assert "Commands" in all_text(body["blocks"])  # the same user id in another workspace is another person
    running.settle()
    with deps.sessions() as session:
        assert len(session.scalars(select(Person).where(Person.slack_user_id == "U1")).all()) == 2


def test_app_home_opened_publishes_the_welcome(slack, fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U1", locale="en-GB")
    assert slack.event({"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home"}).status == 200
    publish = fake_slack.wait_for("views.publish")[0]
    assert publish.params["user_id"] == "U1"
    view = publish.params["view"]
    assert view["type"] == "home"
    assert "Welcome to Conscience" in all_text(view)


def test_app_home_speaks_dutch_to_a_dutch_slack_user(slack, fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U2", locale="nl-NL")
    slack.event({"type": "app_home_opened", "user": "U2", "channel": "D2", "tab": "home"})
    view = fake_slack.wait_for("views.publish")[0].params["view"]
    assert "Welkom bij Conscience" in all_text(view)


def test_healthz_answers_200_when_the_database_answers(running: RunningApp) -> None:
    with urllib.request.urlopen(f"{running.base_url}/healthz", timeout=5) as answer:
        assert answer.status == 200
        assert json.loads(answer.read()) == {"database": "ok"}


def test_healthz_answers_503_when_the_database_does_not(running: RunningApp, tmp_path) -> None:
    from bot.web import make_wsgi_app
    from models.db import make_engine

    broken = make_engine(f"sqlite:///{tmp_path}/no/such/folder/db.sqlite")
    application = make_wsgi_app(running.bolt, broken)
    statuses: list[str] = []
    body = b"".join(application({"PATH_INFO": "/healthz", "REQUEST_METHOD": "GET"}, lambda s, h: statuses.append(s)))
    assert statuses == ["503 Service Unavailable"]
    assert json.loads(body) == {"database": "unreachable"}
