"""A manager proposes an action; the member accepts, adjusts or declines; the manager hears the answer."""

from __future__ import annotations

from datetime import date

from tests.scenario import (
    actions_of,
    buttons,
    click_button,
    event_kinds,
    form_values,
    manager_of,
    opened_view,
    person,
    text_of,
)

MANAGER, MEMBER = "UMAN", "UMEM"


def propose(slack, running, fake_slack, deps, text="call Jan before Friday"):
    manager_of(deps, MANAGER, MEMBER)
    slack.command("/action", f"<@{MEMBER}|piet> {text}", user=MANAGER)
    running.settle()
    [action] = actions_of(deps, MEMBER)
    dm = dict(fake_slack.wait_for("chat.postMessage")[-1].params)
    dm["channel"] = "D" + dm["channel"] if dm["channel"].startswith("U") else dm["channel"]  # where Slack put it
    return action, dm


def click(slack, action_id, action, dm, user=MEMBER):
    return click_button(slack, slack.fake, action_id, str(action.id), user=user)


def test_a_proposal_reaches_the_member_with_three_buttons(slack, running, fake_slack, deps):
    action, dm = propose(slack, running, fake_slack, deps)
    assert action.status == "proposed"
    assert fake_slack.calls_to("chat.postMessage")[-1].params["channel"] in (MEMBER, "D" + MEMBER)
    assert f"<@{MANAGER}> proposes an action for you" in text_of(dm)
    ids = [e["action_id"] for b in dm["blocks"] for e in b.get("elements", [])]
    assert ids == ["proposal_accept", "proposal_adjust", "proposal_decline"]
    assert "Proposed to" in text_of(fake_slack.calls_to("response_url")[-1].params)
    assert "proposed" in event_kinds(deps)


def test_proposals_are_not_active_until_accepted(slack, running, fake_slack, deps):
    propose(slack, running, fake_slack, deps)
    slack.command("/actions", user=MEMBER)
    running.settle()
    assert "You have no open actions" in text_of(fake_slack.calls_to("response_url")[-1].params)


def test_accept_activates_it_updates_the_message_and_tells_the_manager_once(slack, running, fake_slack, deps):
    action, dm = propose(slack, running, fake_slack, deps)
    for _ in range(2):  # a double click
        click(slack, "proposal_accept", action, dm)
        running.settle()
    assert actions_of(deps, MEMBER)[0].status == "open"
    update = fake_slack.calls_to("chat.update")[0].params
    [shown] = fake_slack.workspace.messages_in(dm["channel"])
    assert (update["channel"], update["ts"]) == (dm["channel"], shown.ts)
    assert "*Call Jan*\\nYou accepted this proposal" in text_of(update)
    to_manager = [c for c in fake_slack.calls_to("chat.postMessage") if "accepted your proposal" in text_of(c.params)]
    assert len(to_manager) == 1 and to_manager[0].params["channel"] == MANAGER  # a DM: Slack opens it for the user id
    assert event_kinds(deps).count("accepted") == 1


def test_adjust_opens_the_form_prefilled_and_accepts_the_adjusted_action(slack, running, fake_slack, deps):
    action, dm = propose(slack, running, fake_slack, deps)
    click(slack, "proposal_adjust", action, dm)
    view = opened_view(fake_slack)
    assert "Call Jan" in text_of(view) and view["submit"]["text"] == "Accept"
    values = form_values("Call Jan and Klaas", date(2026, 12, 11), contacts="Jan, Klaas")
    slack.view_submission("action_form", values, private_metadata=view["private_metadata"], user=MEMBER)
    running.settle()
    [action] = actions_of(deps, MEMBER)
    assert (action.status, action.title, action.due_date) == ("open", "Call Jan and Klaas", date(2026, 12, 11))
    assert any(
        "adjusted and accepted your proposal" in text_of(c.params) for c in fake_slack.calls_to("chat.postMessage")
    )
    updated = text_of(fake_slack.calls_to("chat.update")[-1].params)
    assert "*Call Jan and Klaas*\\nYou adjusted and accepted this proposal" in updated


def test_decline_with_a_reason_tells_the_manager_escaped(slack, running, fake_slack, deps):
    action, dm = propose(slack, running, fake_slack, deps)
    click(slack, "proposal_decline", action, dm)
    view = opened_view(fake_slack)
    slack.view_submission(
        "proposal_decline",
        {"reason": {"value": {"value": "<!channel> too busy in December"}}},
        private_metadata=view["private_metadata"],
        user=MEMBER,
    )
    running.settle()
    [action] = actions_of(deps, MEMBER)
    assert (action.status, action.decline_reason) == ("declined", "<!channel> too busy in December")
    note = next(
        c.params for c in fake_slack.calls_to("chat.postMessage") if "declined your proposal" in text_of(c.params)
    )
    assert "&lt;!channel&gt; too busy in December" in text_of(note) and "<!channel>" not in text_of(note)


def test_someone_who_is_not_the_manager_is_refused(slack, running, fake_slack, deps):
    person(deps, "UOTHER")
    person(deps, MEMBER)
    slack.command("/action", f"<@{MEMBER}|piet> call Jan before Friday", user="UOTHER")
    running.settle()
    reply = text_of(fake_slack.calls_to("response_url")[-1].params)
    assert "Only a manager of" in reply
    assert actions_of(deps, MEMBER) == []
    assert fake_slack.calls_to("chat.postMessage") == []


def test_the_member_cannot_accept_for_someone_else(slack, running, fake_slack, deps):
    action, dm = propose(slack, running, fake_slack, deps)
    click(slack, "proposal_accept", action, dm, user="UOTHER")
    running.settle()
    assert actions_of(deps, MEMBER)[0].status == "proposed"


def test_a_manager_can_propose_from_the_form(slack, running, fake_slack, deps):
    manager_of(deps, MANAGER, MEMBER)
    slack.command("/action", "", user=MANAGER)
    view = opened_view(fake_slack)
    values = form_values("Call Jan about the renewal", date(2026, 12, 11), owner=MEMBER)
    slack.view_submission("action_form", values, private_metadata=view["private_metadata"], user=MANAGER)
    running.settle()
    [action] = actions_of(deps, MEMBER)
    assert action.status == "proposed"
    assert any("proposes an action for you" in text_of(c.params) for c in fake_slack.calls_to("chat.postMessage"))


def test_the_form_refuses_a_proposal_by_a_non_manager_inline(slack, running, fake_slack, deps):
    person(deps, MEMBER)
    slack.command("/action", "")
    view = opened_view(fake_slack)
    values = form_values("Call Jan about the renewal", date(2026, 12, 11), owner=MEMBER)
    answer = slack.view_submission("action_form", values, private_metadata=view["private_metadata"]).json()
    assert answer["response_action"] == "errors" and "Only a manager" in answer["errors"]["owner"]


def test_the_member_reads_the_proposal_in_their_own_language(slack, running, fake_slack, deps):
    manager_of(deps, MANAGER, MEMBER)
    person(deps, MEMBER, language="nl")
    slack.command("/action", f"<@{MEMBER}|piet> call Jan before Friday", user=MANAGER)
    running.settle()
    dm = fake_slack.wait_for("chat.postMessage")[-1].params
    assert "stelt een actie voor je voor" in text_of(dm)
    assert "Proposed to" in text_of(fake_slack.calls_to("response_url")[-1].params)  # the manager's English


def to_member(params) -> bool:
    return params.get("channel") in (MEMBER, "D" + MEMBER)


def member_home(fake_slack) -> dict:
    return [c.params for c in fake_slack.calls_to("views.publish") if c.params["user_id"] == MEMBER][-1]["view"]


def test_the_member_gets_the_proposal_before_the_manager_hears_it_was_sent(slack, running, fake_slack, deps):
    propose(slack, running, fake_slack, deps)
    said = [c for c in fake_slack.calls if c.method in ("chat.postMessage", "response_url")]
    assert [c.method for c in said] == ["chat.postMessage", "response_url"]
    assert to_member(said[0].params) and "Proposed to" in text_of(said[1].params)


def test_a_proposal_whose_dm_fails_is_kept_and_waits_on_the_members_home_and_list(slack, running, fake_slack, deps):
    manager_of(deps, MANAGER, MEMBER)
    fake_slack.fail("chat.postMessage", error="request_timeout", match=to_member)
    slack.command("/action", f"<@{MEMBER}|piet> call Jan before Friday", user=MANAGER)
    running.settle()
    [action] = actions_of(deps, MEMBER)
    assert action.status == "proposed"
    told = text_of(fake_slack.calls_to("response_url")[-1].params)
    assert "couldn't send <@UMEM> a direct message" in told and "The proposal is kept" in told
    assert "Proposed to" not in told
    home = member_home(fake_slack)
    assert "proposes an action for you" in text_of(home) and "Call Jan" in text_of(home)
    assert buttons(home)["proposal_accept"] == [str(action.id)]
    slack.command("/actions", user=MEMBER)
    running.settle()
    listing = fake_slack.calls_to("response_url")[-1].params
    assert "Proposed to you" in text_of(listing)
    assert {"proposal_accept", "proposal_adjust", "proposal_decline"} <= set(buttons(listing))
    assert "You have no open actions" in text_of(listing)  # a proposal is not active until accepted
    # Accepting it from the list: it becomes active, the list says so, the manager hears it.
    container = {"type": "message", "is_ephemeral": True, "channel_id": "D" + MEMBER, "message_ts": "1.0"}
    slack.block_action("proposal_accept", str(action.id), user=MEMBER, container=container)
    running.settle()
    assert actions_of(deps, MEMBER)[0].status == "open"
    after = text_of(fake_slack.calls_to("response_url")[-1].params)
    assert "*Call Jan*\\nYou accepted this proposal" in after
    assert "Proposed to you" not in after and "Your open actions" in after
    assert any(
        "accepted your proposal" in text_of(c.params) and c.params["channel"] == MANAGER
        for c in fake_slack.calls_to("chat.postMessage")
    )


def test_a_proposal_that_cannot_reach_the_member_is_not_kept_and_the_manager_hears_why(
    slack, running, fake_slack, deps
):
    manager_of(deps, MANAGER, MEMBER)
    fake_slack.fail("chat.postMessage", error="account_inactive", match=to_member)
    slack.command("/action", f"<@{MEMBER}|piet> call Jan before Friday", user=MANAGER)
    running.settle()
    [action] = actions_of(deps, MEMBER)
    assert action.status == "dropped"
    told = text_of(fake_slack.calls_to("response_url")[-1].params)
    assert "couldn't reach <@UMEM> in Slack" in told and "is not kept" in told and "account_inactive" in told
    slack.command("/actions", user=MEMBER)
    running.settle()
    assert "Proposed to you" not in text_of(fake_slack.calls_to("response_url")[-1].params)


def test_a_proposal_from_the_form_whose_dm_fails_is_told_to_the_manager_by_dm(slack, running, fake_slack, deps):
    manager_of(deps, MANAGER, MEMBER)
    slack.block_action("action_add", "new", user=MANAGER, view={"id": "VHOME", "type": "home"})
    view = opened_view(fake_slack)
    fake_slack.fail("chat.postMessage", error="request_timeout", match=to_member)
    values = form_values("Call Jan about the renewal", date(2026, 12, 11), owner=MEMBER)
    slack.view_submission("action_form", values, private_metadata=view["private_metadata"], user=MANAGER)
    running.settle()
    [action] = actions_of(deps, MEMBER)
    assert action.status == "proposed"
    [note] = [c.params for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] == MANAGER]
    assert "The proposal is kept" in text_of(note)


def test_a_pending_proposal_is_accepted_from_the_home_tab(slack, running, fake_slack, deps):
    action, _ = propose(slack, running, fake_slack, deps)
    assert buttons(member_home(fake_slack))["proposal_accept"] == [str(action.id)]
    slack.block_action("proposal_accept", str(action.id), user=MEMBER, view={"id": "VH", "type": "home"})
    running.settle()
    assert actions_of(deps, MEMBER)[0].status == "open"
    home = member_home(fake_slack)
    assert "proposal_accept" not in buttons(home) and "Call Jan" in text_of(home)
    assert event_kinds(deps).count("accepted") == 1


def test_accept_clicked_twice_at_once_accepts_once_and_tells_the_manager_once(slack, running, fake_slack, deps):
    from tests.scenario import twice

    action, dm = propose(slack, running, fake_slack, deps)
    twice(lambda: click(slack, "proposal_accept", action, dm))
    running.settle()
    assert actions_of(deps, MEMBER)[0].status == "open"
    assert event_kinds(deps).count("accepted") == 1
    to_manager = [c for c in fake_slack.calls_to("chat.postMessage") if "accepted your proposal" in text_of(c.params)]
    assert len(to_manager) == 1


def test_a_contact_name_from_a_proposal_is_escaped_in_the_booked_window(slack, running, fake_slack, deps, clock):
    """A manager's proposal names a contact as a disguised link; the member books a meeting with them."""
    from bot.services import actions as action_service
    from bot.services import people

    manager_of(deps, MANAGER, MEMBER)
    disguised = "<https://evil.example|Jan>"
    with deps.transaction() as session:
        manager = people.find_person(session, "T1", MANAGER)
        member = people.find_person(session, "T1", MEMBER)
        data = action_service.ActionInput(title="Call Jan", due=date(2026, 12, 11), contacts=[disguised])
        today = clock.now().date()
        action, _ = action_service.create(
            session, clock, owner=member, actor=manager, data=data, today=today, rules=deps.rules
        )
        action_service.respond_to_proposal(session, clock, action, member, accept=True, rules=deps.rules)
        ids = (action.id, action.contacts[0].id)
    slack.block_action("contact_status", selected_option=f"{ids[0]}:{ids[1]}:booked", user=MEMBER)
    running.settle()
    modal = text_of(opened_view(fake_slack))
    assert "<https://evil" not in modal and "&lt;https://evil.example|Jan&gt;" in modal
