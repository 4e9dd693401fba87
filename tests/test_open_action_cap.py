"""MAX_OPEN_ACTIONS: a person's list holds at most that many open actions. Quick add, the form and a manager's
proposal (made or accepted) are refused at the cap with a clear message, in the person's language; a Done or
Drop makes room again."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from bot.messages.action_form import FORM_CALLBACK, FormState
from bot.services import actions, people
from tests.scenario import actions_of, click_button, form_values, last_response, manager_of, person, text_of

TODAY = date(2026, 11, 26)
CAP = 3


@pytest.fixture
def settings(settings):
    return dataclasses.replace(settings, max_open_actions=CAP)


def fill(deps, user_id: str = "U1", count: int = CAP) -> list[int]:
    owner = person(deps, user_id)
    ids = []
    with deps.transaction() as session:
        owner = session.merge(owner)
        for i in range(count):
            data = actions.ActionInput(title=f"Call client {i}", due=date(2026, 12, 10), contacts=[f"C{i}"])
            ids.append(actions.create(
                session, deps.clock, owner=owner, actor=owner, data=data, today=TODAY, rules=deps.rules
            )[0].id)
    return ids


def test_the_default_cap_is_fifty():
    from bot.services.rules import PlanRules
    from config.settings import load_settings

    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    assert PlanRules().max_open_actions == 50 and load_settings(env).max_open_actions == 50
    assert load_settings({**env, "MAX_OPEN_ACTIONS": "12"}).max_open_actions == 12


@pytest.mark.parametrize(("language", "says"), [("en", "Your list is full"), ("nl", "Je lijst is vol")])
def test_quick_add_at_the_cap_is_refused_in_the_persons_language(slack, running, fake_slack, deps, language, says):
    person(deps, language=language)
    fill(deps)
    slack.command("/action", "call Jan tomorrow")
    running.settle()
    assert says in text_of(last_response(fake_slack))
    assert len(actions_of(deps)) == CAP


def test_done_makes_room_again(slack, running, fake_slack, deps, clock):
    ids = fill(deps)
    with deps.transaction() as session:
        owner = people.find_person(session, "T1", "U1")
        actions.complete(session, clock, actions.get_own(session, owner, ids[0]), owner, rules=deps.rules)
    slack.command("/action", "call Jan tomorrow")
    running.settle()
    assert "Saved: *Call Jan*" in text_of(last_response(fake_slack))


def test_the_form_at_the_cap_says_so_by_direct_message(slack, running, fake_slack, deps):
    fill(deps)
    values = form_values("Call Jan", date(2026, 12, 4), contacts="Jan")
    assert slack.view_submission(FORM_CALLBACK, values, private_metadata=FormState().metadata()).status == 200
    running.settle()
    dms = [c.params for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] in ("U1", "DU1")]
    assert dms and "Your list is full" in text_of(dms[-1])
    assert len(actions_of(deps)) == CAP


def test_a_proposal_to_a_full_list_is_refused_to_the_manager(slack, running, fake_slack, deps):
    manager_of(deps, "UMAN", "UMEM")
    fill(deps, "UMEM")
    slack.command("/action", "<@UMEM|mem> call Jan before Friday", user="UMAN")
    running.settle()
    assert "Their list is full" in text_of(last_response(fake_slack))
    assert len(actions_of(deps, "UMEM")) == CAP


def test_accepting_a_proposal_with_a_full_list_leaves_it_proposed(slack, running, fake_slack, deps):
    manager_of(deps, "UMAN", "UMEM")
    slack.command("/action", "<@UMEM|mem> call Jan before Friday", user="UMAN")
    running.settle()
    [proposal] = actions_of(deps, "UMEM")
    fill(deps, "UMEM")  # the list filled up before the member answered
    click_button(slack, fake_slack, "proposal_accept", str(proposal.id), user="UMEM")
    running.settle()
    told = fake_slack.calls_to("response_url")[-1].params
    assert "Your list is full" in text_of(told)
    assert [a.status for a in actions_of(deps, "UMEM") if a.id == proposal.id] == ["proposed"]
