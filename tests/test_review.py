"""The one-to-one review: a member's managers only, recorded in the log, with a way to propose an action."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from models import Event, Nudge
from tests.conftest import AMSTERDAM
from tests.scenario import (
    actions_of,
    buttons,
    event_kinds,
    form_values,
    insert_action,
    last_response,
    manager_of,
    opened_view,
    person,
    text_of,
    top_modal,
)

MANAGER, MEMBER, OTHER = "UMAN", "UMEM", "UOTHER"


def walk_setup(deps):
    manager_of(deps, MANAGER, MEMBER)
    insert_action(
        deps,
        MEMBER,
        "Call Jan about the audit",
        due=date(2026, 11, 20),
        status="done",
        done_at=datetime(2026, 11, 19, 11, tzinfo=AMSTERDAM),
        outcomes="meeting,buying_signal",
    )
    insert_action(
        deps, MEMBER, "Old win", due=date(2026, 9, 1), status="done", done_at=datetime(2026, 9, 1, 11, tzinfo=AMSTERDAM)
    )
    overdue = insert_action(deps, MEMBER, "Lunch with Piet", due=date(2026, 11, 24), attention=True)
    insert_action(deps, MEMBER, "Visit Klaas", due=date(2026, 12, 10))
    with deps.transaction() as session:
        member = person(deps, MEMBER)
        for day, answer in ((date(2026, 11, 24), None), (date(2026, 11, 20), {"1": "done"})):
            session.add(
                Nudge(
                    workspace_id=member.workspace_id,
                    person_id=member.id,
                    kind="checkin",
                    tone="check",
                    due_at=datetime.combine(day, datetime.min.time(), AMSTERDAM) + timedelta(hours=16),
                    local_date=day,
                    action_ids=[overdue],
                    status="sent",
                    answer=answer,
                    sent_at=datetime.combine(day, datetime.min.time(), AMSTERDAM) + timedelta(hours=16),
                    created_at=deps.clock.now(),
                )
            )


def test_a_manager_reviews_a_members_list(slack, running, fake_slack, deps):
    walk_setup(deps)
    slack.command("/conscience", f"review <@{MEMBER}|mem>", user=MANAGER)
    running.settle()
    answer = last_response(fake_slack)
    shown = text_of(answer)
    assert answer["response_type"] == "ephemeral"
    assert "1 done in the last 4 weeks · 2 open · 1 overdue · 1 needs attention" in shown  # singular where it is one
    assert "Call Jan about the audit* · meeting booked, buying signal" in shown
    assert "Old win" not in shown
    assert "Lunch with Piet* · " in shown and ":hourglass: overdue · :warning: needs attention" in shown
    assert "check-in: no answer" in shown and "check-in: done" in shown
    assert "SECRET" not in shown  # opening lines, voicemail plans and private notes stay private
    with deps.sessions() as session:
        event = session.scalar(select(Event).where(Event.kind == "reviewed"))
        assert event.actor_id == person(deps, MANAGER).id and event.data["member"] == person(deps, MEMBER).id
    # From there the manager proposes a new action: the action form, for the member.
    [propose] = [e for b in answer["blocks"] for e in b.get("elements", []) if e.get("action_id") == "review_propose"]
    slack.block_action("review_propose", propose["value"], user=MANAGER)
    running.settle()
    form = opened_view(fake_slack)
    assert form["callback_id"] == "action_form"
    assert f'"initial_user": "{MEMBER}"' in text_of(form)


def test_a_non_manager_is_refused_and_nothing_is_recorded(slack, running, fake_slack, deps):
    walk_setup(deps)
    slack.command("/conscience", f"review <@{MEMBER}|mem>", user=OTHER)
    running.settle()
    assert "Only <@UMEM>'s own managers can review their list." in text_of(last_response(fake_slack))
    slack.command("/conscience", f"review <@{MANAGER}|man>", user=MEMBER)  # a member cannot review upwards
    running.settle()
    assert "own managers" in text_of(last_response(fake_slack, 2))
    assert "reviewed" not in event_kinds(deps)


def test_review_needs_one_member(slack, running, fake_slack, deps):
    slack.command("/conscience", "review", user=MANAGER)
    running.settle()
    assert "Whose list?" in text_of(last_response(fake_slack))


def test_a_manager_in_another_workspace_sees_nothing(slack, running, fake_slack, deps):
    walk_setup(deps)
    manager_of(deps, MANAGER, "UX", team_id="T2")
    slack.command("/conscience", f"review <@{MEMBER}|mem>", user=MANAGER, team="T2")
    running.settle()
    assert "own managers" in text_of(last_response(fake_slack))


def test_the_managers_home_has_a_team_section_with_a_review_button_per_member(slack, running, fake_slack, deps):
    walk_setup(deps)
    slack.event({"type": "app_home_opened", "user": MANAGER, "tab": "home"})
    running.settle()
    home = fake_slack.wait_for("views.publish")[-1].params["view"]
    assert "Your teams" in text_of(home) and "team-UMAN" in text_of(home)
    assert "2 open · 1 overdue · 1 needs attention" in text_of(home)
    [review_button] = [
        b["accessory"] for b in home["blocks"] if (b.get("accessory") or {}).get("action_id") == "review_open"
    ]
    assert review_button["value"] == MEMBER
    slack.block_action("review_open", MEMBER, user=MANAGER, view={"id": "VHOME", "type": "home"})
    running.settle()
    modal = opened_view(fake_slack)
    assert "Lunch with Piet" in text_of(modal) and "review_propose" in text_of(modal)
    assert "reviewed" in event_kinds(deps)
    # The member's own Home has no team section, and a stranger's click opens nothing.
    slack.event({"type": "app_home_opened", "user": MEMBER, "tab": "home"})
    running.settle()
    assert "Your teams" not in text_of(fake_slack.calls_to("views.publish")[-1].params["view"])
    opened = len(fake_slack.calls_to("views.open"))
    slack.block_action("review_open", MEMBER, user=OTHER, view={"id": "VHOME", "type": "home"})
    running.settle()
    assert len(fake_slack.calls_to("views.open")) == opened


def test_propose_from_the_review_modal_pushes_the_form_and_sends_the_proposal(slack, running, fake_slack, deps):
    walk_setup(deps)
    slack.block_action("review_open", MEMBER, user=MANAGER, view={"id": "VHOME", "type": "home"})
    running.settle()
    modal = opened_view(fake_slack)
    [propose] = buttons(modal)["review_propose"]
    # A click inside a modal, as Slack sends it: the modal is the container, and there is no response_url.
    slack.block_action("review_propose", propose, user=MANAGER, view=top_modal(fake_slack, MANAGER),
                       trigger_id="trigger-in-modal")
    running.settle()
    [pushed] = fake_slack.calls_to("views.push")
    assert pushed.params["trigger_id"] == "trigger-in-modal"  # over the review, which stays underneath
    form = pushed.params["view"]
    assert form["callback_id"] == "action_form" and f'"initial_user": "{MEMBER}"' in text_of(form)
    assert len(fake_slack.calls_to("views.open")) == 1  # only the review itself
    values = form_values("Call Klaas about the tender", date(2026, 12, 11), owner=MEMBER)
    slack.view_submission("action_form", values, private_metadata=form["private_metadata"], user=MANAGER)
    running.settle()
    proposed = [a for a in actions_of(deps, MEMBER) if a.title == "Call Klaas about the tender"]
    assert [a.status for a in proposed] == ["proposed"]
    posts = [c.params for c in fake_slack.calls_to("chat.postMessage")]
    to_member = [p for p in posts if p["channel"] in (MEMBER, f"D{MEMBER}")]
    assert len(to_member) == 1 and f"<@{MANAGER}> proposes an action for you" in text_of(to_member[0])
    # The manager hears it went out by direct message (a modal has no place for the answer).
    to_manager = [p for p in posts if p["channel"] in (MANAGER, f"D{MANAGER}")]
    assert len(to_manager) == 1 and "Proposed to" in text_of(to_manager[0])


def test_the_managers_home_is_a_look_at_the_members_lists_and_is_logged(slack, running, fake_slack, deps):
    walk_setup(deps)
    slack.event({"type": "app_home_opened", "user": MANAGER, "tab": "home"})
    running.settle()
    fake_slack.wait_for("views.publish")
    with deps.sessions() as session:
        [event] = session.scalars(select(Event).where(Event.kind == "digest_viewed")).all()
        assert event.actor_id == person(deps, MANAGER).id and event.data["via"] == "home"
    slack.event({"type": "app_home_opened", "user": MEMBER, "tab": "home"})  # a member's own Home: no look
    running.settle()
    assert event_kinds(deps).count("digest_viewed") == 1
    slack.event({"type": "app_home_opened", "user": MANAGER, "tab": "home"})  # again today: who looked is known
    running.settle()
    assert event_kinds(deps).count("digest_viewed") == 1


def test_a_review_that_slack_would_not_open_is_said_by_direct_message(slack, running, fake_slack, deps, clock):
    walk_setup(deps)
    slack.event({"type": "app_home_opened", "user": MANAGER, "tab": "home"})
    running.settle()
    home = {**fake_slack.workspace.homes[MANAGER].view, "id": fake_slack.workspace.homes[MANAGER].id}
    fake_slack.fail("views.open", error="expired_trigger_id")  # the click reached us too late
    slack.block_action("review_open", MEMBER, user=MANAGER, view=home)
    running.settle()
    posts = [c.params for c in fake_slack.calls_to("chat.postMessage")]
    told = [p for p in posts if p["channel"] in (MANAGER, f"D{MANAGER}")]
    assert len(told) == 1 and "Slack didn't let me open the form just now" in text_of(told[0])
