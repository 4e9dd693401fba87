"""Every action id and callback id the bot renders has a listener, and every listener answers an id that is
rendered: the messages layer is rendered in every surface and state (sample data from bot/check_slack.py),
and the Bolt app's registered listeners are read back from their matchers."""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from datetime import time
from pathlib import Path
from typing import Any

from slack_bolt import App

from bot.app_factory import create_app
from bot.check_slack import NUDGE_KINDS, Sample, payloads
from bot.deps import Deps
from bot.messages import actions as action_messages
from bot.messages import digest as digest_messages
from bot.messages import ids
from bot.messages import nudges as nudge_messages
from bot.messages import review as review_messages
from bot.messages import teams as team_messages
from bot.messages.action_form import FormState, action_form, booked_modal, decline_modal, outcome_modal
from bot.messages.catalogue import catalogue
from bot.messages.home import home_view
from bot.services.review import CheckIn, Review
from models import Person, Team

USER = "U0IDS"


# -- what the listeners answer -----------------------------------------------------------------------------


def listened(app: App) -> tuple[list[str | re.Pattern[str]], list[str | re.Pattern[str]]]:
    """The action id and view callback id constraints of the app's listeners, read out of Bolt's builtin
    matchers (`app.action(...)`: `action.<locals>.func` closing over `constraints`; `app.view(...)`:
    `view_submission.<locals>.func` over `callback_id`)."""
    actions: list[str | re.Pattern[str]] = []
    views: list[str | re.Pattern[str]] = []
    for listener in app._listeners:
        for matcher in listener.matchers:
            func = getattr(matcher, "func", None)
            if func is None:
                continue
            kind = func.__qualname__.split(".")[0]
            found = inspect.getclosurevars(func).nonlocals
            if kind in ("action", "block_action"):
                constraint = found["constraints"]
                if isinstance(constraint, dict):  # {"action_id": ..., "block_id": ...}
                    constraint = constraint["action_id"]
                actions.append(constraint)
            elif kind in ("view", "view_submission", "view_closed"):
                constraint = found.get("callback_id", found.get("constraints"))
                if isinstance(constraint, dict):
                    constraint = constraint["callback_id"]
                views.append(constraint)
            else:
                assert kind in ("command", "event"), f"a listener kind this test does not read: {kind}"
    return actions, views


def matches(constraint: str | re.Pattern[str], value: str) -> bool:
    return constraint == value if isinstance(constraint, str) else bool(constraint.match(value))


# -- what the messages render ------------------------------------------------------------------------------


def surfaces(deps: Deps) -> Iterator[dict[str, Any]]:
    """Every payload the messages layer renders, in every state that shows a different set of elements."""
    today = deps.clock.now().date()
    cat = catalogue("en")
    sample = Sample(today, USER)
    yield from (payload.render() for payload in payloads(cat, sample))  # nudges, proposal, invitation, digest, Home

    # Nudges after each answer (a changed answer, a date picked, a next step planned).
    answers = {
        *nudge_messages.CHECKIN_ANSWERS,
        *nudge_messages.FOLLOWUP_ANSWERS,
        *nudge_messages.RHYTHM_ANSWERS,
        *nudge_messages.PROGRESS_ANSWERS,
        "ready",
        "reschedule",
        "next_step",
    }
    for kind in NUDGE_KINDS:
        view = sample.nudge(kind)
        for answer in sorted(answers):
            view.answers = {"0": answer, **{str(a.id): answer for a in view.actions}}
            yield nudge_messages.render(cat, view)

    # The Home with proposals waiting and a manager's teams; /actions, /actions done, a quick add, notices.
    proposals = [(sample.later, "U0MANAGER")]
    yield home_view(cat, sample.open, [sample.done_top], today, [sample.digest()], proposals=proposals)
    yield home_view(cat, [], [], today)
    yield action_messages.open_list(cat, sample.open, today, note="noted", proposals=proposals)
    yield action_messages.open_list(cat, [], today)
    yield action_messages.done_list(cat, [sample.done_top, sample.done_aftercare], today)
    yield action_messages.quick_saved(cat, sample.plain, today)
    yield action_messages.proposal_answered(cat, sample.later, "proposal.accepted")
    yield action_messages.notice("done")

    # The action form in each mode, and the small modals.
    for mode in ("new", "edit", "adjust"):
        for flags in ({}, {"show_override": True, "show_owner": False, "tips": ["a tip"]}):
            yield action_form(cat, FormState(mode=mode, action_id=sample.plain.id, due=today, **flags))
    yield action_form(cat, FormState(owner_user_id=USER, agreed_with=USER, due=today))  # agreed in a review
    yield outcome_modal(cat, sample.plain.id, "title", {})
    yield decline_modal(cat, sample.plain.id, "title", {})
    yield booked_modal(cat, sample.plain.id, 1, "Anne", today, {})

    # Teams, digests, reviews.
    team = Team(id=9100, name="Sales", privacy="detailed", channel_id="C1", digest_weekday=0, digest_time=time(9))
    team.timezone = "Europe/Amsterdam"
    manager = Person(id=1, slack_user_id="U0MANAGER")
    yield team_messages.team_list(cat, [(team, [(manager, "manager")])], {team.id: [USER]})
    yield team_messages.membership_notice(cat, team, "member", "U0MANAGER", ["U0MANAGER"], invitation=1)
    yield team_messages.membership_notice(cat, team, "manager", "U0MANAGER", [], invitation=None)
    yield team_messages.invitation_answered(cat, team, "member", "accepted")
    yield team_messages.picker(cat, [team, Team(id=9101, name="Advisory", privacy="summary")], "preview")
    yield team_messages.settings_modal(cat, team, None)
    data = sample.digest()
    data.channel_id = "C1"
    yield digest_messages.channel_message(cat, data)
    yield digest_messages.manager_message(cat, data)
    for posted in (False, True):
        yield digest_messages.preview(cat, data, team.id, posted=posted)
    member = Person(id=2, slack_user_id=USER, display_name="Anne")
    review = Review(
        member=member,
        today=today,
        done=[sample.done_top],
        open=sample.open,
        checkins=[CheckIn(kind="checkin", day=today, answers=["done"])],
    )
    yield review_messages.review_message(cat, review)
    yield review_messages.review_modal(cat, review)


def interactive_ids(node: Any, found: set[str], *, in_input: bool = False) -> None:
    """The action ids of interactive elements: everything but the inputs of a modal (read at submit, unless
    the input block dispatches its actions)."""
    if isinstance(node, list):
        for item in node:
            interactive_ids(item, found, in_input=in_input)
    elif isinstance(node, dict):
        if node.get("type") == "input":
            in_input = not node.get("dispatch_action")
        if "action_id" in node and not in_input:
            found.add(node["action_id"])
        for value in node.values():
            interactive_ids(value, found, in_input=in_input)


def rendered(deps: Deps) -> tuple[set[str], set[str], set[str]]:
    """(action ids, callback ids of modals that can be submitted, callback ids of modals that cannot)."""
    actions: set[str] = set()
    submitted: set[str] = set()
    read_only: set[str] = set()
    for payload in surfaces(deps):
        interactive_ids(payload.get("blocks", []), actions)
        if payload.get("type") == "modal" and payload.get("callback_id"):
            (submitted if payload.get("submit") else read_only).add(payload["callback_id"])
    return actions, submitted, read_only


# -- the tests ---------------------------------------------------------------------------------------------


def test_every_rendered_id_has_a_listener_and_every_listener_a_rendered_id(deps: Deps) -> None:
    app = create_app(deps)
    action_listeners, view_listeners = listened(app)
    actions, submitted, read_only = rendered(deps)
    assert actions and submitted and action_listeners and view_listeners

    unanswered = sorted(a for a in actions if not any(matches(c, a) for c in action_listeners))
    assert not unanswered, f"rendered action ids without a listener: {unanswered}"
    unrendered = [c for c in action_listeners if not any(matches(c, a) for a in actions)]
    assert not unrendered, f"action listeners whose id nothing renders: {unrendered}"

    unanswered = sorted(v for v in submitted if not any(matches(c, v) for c in view_listeners))
    assert not unanswered, f"modals that can be submitted without a listener: {unanswered}"
    unrendered = [c for c in view_listeners if not any(matches(c, v) for v in submitted)]
    assert not unrendered, f"view listeners whose callback id no modal with a submit button carries: {unrendered}"
    assert not read_only & submitted


def test_every_id_in_the_ids_module_is_rendered(deps: Deps) -> None:
    actions, submitted, read_only = rendered(deps)
    constants = {name: value for name, value in vars(ids).items() if name.isupper() and isinstance(value, str)}
    unused = sorted(
        name
        for name, value in constants.items()
        if value not in submitted | read_only and not any(ids.pattern(value).match(a) for a in actions)
    )
    assert not unused, f"ids in bot/messages/ids.py that nothing renders: {unused}"


def test_the_messages_and_listeners_spell_no_id_of_their_own() -> None:
    """The ids are written once, in bot/messages/ids.py: no `action_id="..."`, `callback_id="..."` or
    `app.action("...")` literal elsewhere (the inputs' `value` aside)."""
    root = Path(__file__).resolve().parents[1] / "bot"
    literal = re.compile(r"""(?:callback_id=|action_id=|app\.(?:action|view|options)\()\s*["']([^"']+)["']""")
    found = [
        f"{path.relative_to(root)}: {match.group(0)}"
        for folder in ("messages", "listeners")
        for path in sorted((root / folder).rglob("*.py"))
        for match in literal.finditer(path.read_text())
        if match.group(1) != "value"
    ]
    assert not found, found
