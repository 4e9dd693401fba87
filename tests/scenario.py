"""Helpers for scenario tests: people, teams and actions in the database, planned messages and the worker's
ticks, requests at the same moment, and reading what reached the fake Slack."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select

from bot.delivery import Delivery
from bot.deps import Deps, build_deps
from bot.services import actions, people
from config.settings import Settings
from models import Action, ActionContact, Event, Membership, Nudge, Person, Team
from models.db import make_engine
from tests.conftest import AMSTERDAM
from tests.fake_slack import FakeSlack
from tests.slack_client import Response, SlackClient


def person(deps: Deps, user_id: str = "U1", team_id: str = "T1", language: str | None = None) -> Person:
    with deps.transaction() as session:
        found, _ = people.ensure_person(session, deps.clock, team_id, user_id)
        if language:
            found.language = language
        return found


def manager_of(deps: Deps, manager_user: str, member_user: str, team_id: str = "T1") -> None:
    """A team in which manager_user manages member_user (team setup comes with the teams issue)."""
    manager = person(deps, manager_user, team_id)
    member = person(deps, member_user, team_id)
    with deps.transaction() as session:
        team = Team(workspace_id=manager.workspace_id, name=f"team-{manager_user}", created_at=deps.clock.now())
        session.add(team)
        session.flush()
        for who, role in ((manager, "manager"), (member, "member")):
            session.add(
                Membership(
                    workspace_id=manager.workspace_id,
                    team_id=team.id,
                    person_id=who.id,
                    role=role,
                    created_at=deps.clock.now(),
                )
            )


def stored_person(deps: Deps, user_id: str = "U1") -> Person:
    """The person's row as it is in the database now."""
    with deps.sessions() as session:
        found = session.scalar(select(Person).where(Person.slack_user_id == user_id))
        assert found is not None
        return found


def create_action(
    deps: Deps,
    title: str,
    due: date,
    *,
    today: date,
    user: str = "U1",
    contacts: Iterable[str] = ("Jan",),
    **fields: Any,
) -> int:
    """An action the person adds themselves on `today`, through the service, so its messages are planned."""
    owner = person(deps, user)
    with deps.transaction() as session:
        owner = session.merge(owner)
        data = actions.ActionInput(title=title, due=due, contacts=list(contacts), **fields)
        return actions.create(session, deps.clock, owner=owner, actor=owner, data=data, today=today, rules=deps.rules)[
            0
        ].id


def insert_action(
    deps: Deps,
    user_id: str,
    title: str,
    *,
    due: date,
    status: str = "open",
    done_at: datetime | None = None,
    outcomes: str | None = None,
    attention: bool = False,
    booked: bool = False,
    opening: str | None = "Hi Jan, SECRET OPENING",
    notes: str | None = "SECRET NOTE",
    agreed: date | None = None,
    in_time: bool | None = None,
) -> int:
    """An action row with its history already behind it (done, late, booked), written straight to the database
    with one contact and secret preparation that no team message may show; nothing is planned."""
    now = deps.clock.now()
    with deps.transaction() as session:
        owner = people.find_person(session, "T1", user_id)
        assert owner is not None
        action = Action(
            workspace_id=owner.workspace_id,
            owner_id=owner.id,
            created_by_id=owner.id,
            title=title,
            due_date=due,
            status=status,
            done_at=done_at,
            outcomes=outcomes,
            needs_attention=attention,
            agreed_due=agreed or due,
            done_in_time=in_time,
            opening_line=opening,
            voicemail_plan="SECRET VOICEMAIL",
            notes=notes,
            created_at=now,
            updated_at=now,
        )
        action.contacts = [
            ActionContact(
                workspace_id=owner.workspace_id,
                name="Jan Client",
                position=0,
                status="booked" if booked else "todo",
                updated_at=done_at or now,
            )
        ]
        session.add(action)
        session.flush()
        return action.id


def nudges(
    deps: Deps, *, status: str | None = "planned", kind: str | None = None, user: str | None = None
) -> list[Nudge]:
    """Planned messages (or those of another status, or all with None), soonest first."""
    with deps.sessions() as session:
        query = select(Nudge).order_by(Nudge.due_at, Nudge.id)
        if status:
            query = query.where(Nudge.status == status)
        if kind:
            query = query.where(Nudge.kind == kind)
        if user:
            query = query.join(Person, Person.id == Nudge.person_id).where(Person.slack_user_id == user)
        return list(session.scalars(query))


def local(nudge: Nudge) -> tuple[date, time]:
    """When a message is due, on Amsterdam's clock."""
    moment = nudge.due_at.astimezone(AMSTERDAM)
    return moment.date(), moment.time()


def run_until(deps: Deps, clock: Any, delivery: Delivery, moment: datetime) -> None:
    """Tick at every due moment up to `moment`, as a worker ticking every 30 seconds would."""
    while True:
        upcoming = [n.due_at for n in nudges(deps) if n.due_at <= moment]
        if not upcoming:
            break
        clock.set(max(min(upcoming), clock.now()))
        delivery.tick()
        clock.advance(timedelta(seconds=30))
    clock.set(moment)
    delivery.tick()


def together(*requests: Callable[[], object]) -> list[object]:
    """Send the requests at the same moment, each from its own thread; return their answers."""
    barrier = threading.Barrier(len(requests))
    answers: list[object] = [None] * len(requests)
    failures: list[BaseException] = []

    def run(index: int, request: Callable[[], object]) -> None:
        try:
            barrier.wait()
            answers[index] = request()
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(i, r)) for i, r in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures, failures
    return answers


def twice(request: Callable[[], object]) -> list[object]:
    return together(request, request)


def separate_workers(settings: Settings, clock: Any, database_url: str, count: int, *, threads: int) -> list[Delivery]:
    """Workers as separate processes would have them: each with its own dependencies and connection pool."""
    return [
        Delivery(build_deps(settings, clock=clock, engine=make_engine(database_url)), threads=threads)
        for _ in range(count)
    ]


def side_by_side(workers: list[Delivery], work: Callable[[Delivery], None], *, timeout: float) -> None:
    """Each worker does its work in its own thread, all starting at the same moment; then each is closed and its
    connection pool let go."""
    start = threading.Barrier(len(workers))

    def run(worker: Delivery) -> None:
        start.wait()
        work(worker)

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    for worker in workers:
        worker.close()
        worker.deps.engine.dispose()


def actions_of(deps: Deps, user_id: str = "U1", team_id: str = "T1") -> list[Action]:
    with deps.sessions() as session:
        owner = people.find_person(session, team_id, user_id)
        if owner is None:
            return []
        found = list(session.scalars(select(Action).where(Action.owner_id == owner.id).order_by(Action.id)))
        for action in found:
            _ = action.contacts  # load while the session is open
        return found


def event_kinds(deps: Deps) -> list[str]:
    with deps.sessions() as session:
        return list(session.scalars(select(Event.kind).order_by(Event.id)))


def text_of(payload: Any) -> str:
    return json.dumps(payload, ensure_ascii=False)


def last_response(fake: FakeSlack, count: int = 1) -> dict[str, Any]:
    """The newest ephemeral answer posted to a response_url."""
    return fake.wait_for("response_url", count)[-1].params


def opened_view(fake: FakeSlack, count: int = 1) -> dict[str, Any]:
    return fake.wait_for("views.open", count)[-1].params["view"]


def form_values(
    title: str,
    due: date | None,
    *,
    kind: str = "other",
    contacts: str = "",
    users: list[str] | None = None,
    owner: str | None = None,
    opening: str | None = None,
    voicemail: str | None = None,
    repeat: int = 0,
    notes: str | None = None,
    override: bool = False,
) -> dict[str, dict[str, Any]]:
    """State values as Slack sends them when the action form is submitted."""
    values: dict[str, dict[str, Any]] = {
        "title": {"value": {"type": "plain_text_input", "value": title}},
        "contacts": {"value": {"type": "plain_text_input", "value": contacts or None}},
        "contact_users": {"value": {"type": "multi_users_select", "selected_users": users or []}},
        "kind": {"form_kind": {"type": "static_select", "selected_option": {"value": kind}}},
        "due": {"value": {"type": "datepicker", "selected_date": due.isoformat() if due else None}},
        f"opening_{kind}": {"value": {"type": "plain_text_input", "value": opening}},
        f"voicemail_{kind}": {"value": {"type": "plain_text_input", "value": voicemail}},
        "repeat": {"value": {"type": "static_select", "selected_option": {"value": str(repeat)}}},
        "notes": {"value": {"type": "plain_text_input", "value": notes}},
    }
    if owner is not None:
        values["owner"] = {"value": {"type": "users_select", "selected_user": owner}}
    if override:
        values["override"] = {"value": {"type": "checkboxes", "selected_options": [{"value": "yes"}]}}
    return values


def buttons(payload: dict[str, Any]) -> dict[str, list[str]]:
    """action_id -> values of the interactive elements in a message or view."""
    found: dict[str, list[str]] = {}

    def visit(node: Any) -> None:
        if isinstance(node, dict):
            if "action_id" in node:
                found.setdefault(node["action_id"], []).append(str(node.get("value", "")))
            for value in node.values():
                visit(value)
        elif isinstance(node, list):
            for value in node:
                visit(value)

    visit(payload.get("blocks", payload))
    return found


def click_button(
    slack: SlackClient, fake: FakeSlack, action_id: str, value: str | None = None, *, block_id: str = "b", **kwargs: Any
) -> Response:
    """Click the element (action_id and value, or action_id in block_id) in the message that shows it, as a
    person does: the request carries that message's channel and ts. An element no longer shown is clicked
    where it last stood (a double click, or a click on a stale copy)."""
    for channel, ts, blocks in _messages_newest_first(fake):
        if _shows(blocks, action_id, value, block_id):
            container = {"type": "message", "channel_id": channel, "message_ts": ts}
            message = {"ts": ts, "blocks": blocks}
            return slack.block_action(
                action_id, value, container=container, channel=channel, message=message, block_id=block_id, **kwargs
            )
    raise AssertionError(f"no message shows {action_id!r} with value {value!r} in block {block_id!r}")


def _shows(blocks: list[dict[str, Any]], action_id: str, value: str | None, block_id: str) -> bool:
    if value is not None:
        return value in buttons({"blocks": blocks}).get(action_id, [])
    return any(b.get("block_id") == block_id and action_id in buttons({"blocks": [b]}) for b in blocks)


def _messages_newest_first(fake: FakeSlack) -> list[tuple[str, str, list[dict[str, Any]]]]:
    messages = list(reversed(fake.workspace.messages.values()))
    shown = [(m.channel, m.ts, m.blocks or []) for m in messages]
    before = [(m.channel, m.ts, blocks) for m in messages for blocks in reversed(m.earlier)]
    return shown + before


def answer_buttons(payload: dict[str, Any]) -> list[str]:
    """The values of a nudge's answer buttons (each answer has its own action id, nudge_answer:<answer>)."""
    found = buttons(payload)
    return [v for action_id, values in found.items() if action_id.startswith("nudge_answer:") for v in values]


def top_modal(fake: FakeSlack, user: str = "U1") -> dict[str, Any]:
    """The modal the person sees now, as Slack sends it with a click inside it (id and hash included)."""
    modals = fake.workspace.open_modals(user)
    assert modals, f"{user} has no modal open"
    return modals[-1]
