"""Team setup through signed requests: who may, joining the channel, members and managers, the settings modal."""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from models import Membership, Person, Team
from tests.scenario import buttons, click_button, event_kinds, last_response, opened_view, text_of

ADMIN, MANAGER, ANNA, BRAM, OTHER = "UADMIN", "UMAN", "UANNA", "UBRAM", "UOTHER"


def command(slack, running, fake_slack, text, user, count=None, channel="C1"):
    before = len(fake_slack.calls_to("response_url"))
    slack.command("/conscience", text, user=user, channel=channel)
    running.settle()
    return text_of(last_response(fake_slack, count or before + 1))


def roles(deps, name="Advisory", status="active") -> dict[str, set[str]]:
    """Who is in the team in which role (status "invited": who was invited and has not answered)."""
    with deps.sessions() as session:
        team = session.scalar(select(Team).where(Team.name == name))
        rows = session.execute(
            select(Person.slack_user_id, Membership.role)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.team_id == team.id, Membership.status == status)
        )
        found: dict[str, set[str]] = {}
        for user_id, role in rows:
            found.setdefault(role, set()).add(user_id)
        return found


def invitation(fake_slack, user) -> str:
    """The value of the newest invitation's Accept button in the person's direct messages."""
    for call in reversed(fake_slack.calls_to("chat.postMessage")):
        if call.params["channel"] in (user, f"D{user}"):
            found = buttons(call.params).get("team_invite_accept")
            if found:
                return found[0]
    raise AssertionError(f"{user} has no invitation")


def accept(slack, running, fake_slack, user, action_id="team_invite_accept"):
    click_button(slack, fake_slack, action_id, invitation(fake_slack, user), user=user)
    running.settle()


def setup_team(slack, running, fake_slack, deps):
    fake_slack.add_user(ADMIN, is_admin=True)
    command(slack, running, fake_slack, "team create Advisory <#CADV|advisory>", ADMIN)
    command(slack, running, fake_slack, f"team managers add Advisory <@{MANAGER}|man>", ADMIN)
    command(slack, running, fake_slack, f"team add Advisory <@{ANNA}|anna> <@{BRAM}|bram>", ADMIN)


def test_an_admin_creates_a_team_the_bot_joins_its_channel(slack, running, fake_slack, deps):
    fake_slack.add_user(ADMIN, is_admin=True)
    answer = command(slack, running, fake_slack, "team create Advisory <#CADV|advisory>", ADMIN)
    assert "Team *Advisory* is set up" in answer and "<#CADV>" in answer
    assert "every Monday at 09:00 (Europe/Amsterdam)" in answer
    assert fake_slack.calls_to("conversations.join")[-1].params["channel"] == "CADV"
    with deps.sessions() as session:
        team = session.scalar(select(Team))
        assert (team.name, team.channel_id, team.channel_problem) == ("Advisory", "CADV", None)
    assert "team_created" in event_kinds(deps)


def test_an_owner_may_create_too_and_a_plain_member_is_refused(slack, running, fake_slack, deps):
    fake_slack.add_user(ADMIN, is_owner=True)
    fake_slack.add_user(OTHER)
    answer = command(slack, running, fake_slack, "team create Sales <#CS|sales>", OTHER)
    assert "Only workspace admins and owners can create teams" in answer
    assert "Team *Sales* is set up" in command(slack, running, fake_slack, "team create Sales <#CS|sales>", ADMIN)
    with deps.sessions() as session:
        assert session.scalars(select(Team.name)).all() == ["Sales"]


def test_a_private_channel_gets_an_invite_explanation(slack, running, fake_slack, deps):
    fake_slack.add_user(ADMIN, is_admin=True)
    fake_slack.fail("conversations.join", error="method_not_supported_for_channel_type")
    answer = command(slack, running, fake_slack, "team create Legal <#GPRIV|legal>", ADMIN)
    assert "I can't post in <#GPRIV> yet" in answer and "/invite @Conscience" in answer
    with deps.sessions() as session:
        assert session.scalar(select(Team.channel_problem)) == "method_not_supported_for_channel_type"


def test_members_and_managers_are_added_and_the_manager_may_then_change_the_team(slack, running, fake_slack, deps):
    setup_team(slack, running, fake_slack, deps)
    assert roles(deps) == {"manager": {MANAGER}, "member": {ANNA, BRAM}}
    # The manager manages one team: no name needed, and no users.info call is needed to allow it.
    info_calls = len(fake_slack.calls_to("users.info"))
    answer = command(slack, running, fake_slack, f"team remove <@{BRAM}|bram>", MANAGER)
    assert f"Removed from *Advisory*: <@{BRAM}>" in answer
    assert len(fake_slack.calls_to("users.info")) == info_calls
    # A manager (not a workspace admin) invites: the person is in the team once they accept.
    answer = command(slack, running, fake_slack, f"team add <@{ANNA}|anna> <@{OTHER}|o>", MANAGER)
    assert f"Invited to *Advisory*: <@{OTHER}>" in answer and f"Already in *Advisory*: <@{ANNA}>" in answer
    assert roles(deps) == {"manager": {MANAGER}, "member": {ANNA}}
    accept(slack, running, fake_slack, OTHER)
    assert roles(deps) == {"manager": {MANAGER}, "member": {ANNA, OTHER}}


def test_a_member_cannot_change_the_team(slack, running, fake_slack, deps):
    setup_team(slack, running, fake_slack, deps)
    fake_slack.add_user(ANNA)
    answer = command(slack, running, fake_slack, f"team add Advisory <@{OTHER}|o>", ANNA)
    assert "Only workspace admins and owners, and the managers of *Advisory*, can change that team." in answer
    answer = command(slack, running, fake_slack, f"team managers add Advisory <@{ANNA}|a>", ANNA)
    assert "can change that team" in answer
    assert roles(deps) == {"manager": {MANAGER}, "member": {ANNA, BRAM}}


def test_a_person_may_be_in_several_teams_and_manage_some(slack, running, fake_slack, deps):
    setup_team(slack, running, fake_slack, deps)
    command(slack, running, fake_slack, "team create Tax <#CTAX|tax>", ADMIN)
    command(slack, running, fake_slack, f"team managers add Tax <@{ANNA}|anna>", ADMIN)
    command(slack, running, fake_slack, f"team add Tax <@{MANAGER}|man>", ADMIN)
    assert roles(deps, "Tax") == {"manager": {ANNA}, "member": {MANAGER}}
    answer = command(slack, running, fake_slack, "team list", ANNA)
    assert "*Advisory*" in answer and "*Tax*" in answer
    # Anna manages only Tax: inviting without a name goes there, Advisory stays closed to her.
    assert "Invited to *Tax*" in command(slack, running, fake_slack, f"team add <@{OTHER}|o>", ANNA)


def test_an_ambiguous_team_asks_which_one(slack, running, fake_slack, deps):
    setup_team(slack, running, fake_slack, deps)
    command(slack, running, fake_slack, "team create Tax <#CTAX|tax>", ADMIN)
    answer = command(slack, running, fake_slack, f"team add <@{OTHER}|o>", ADMIN)
    assert "Which team?" in answer and "`Advisory`" in answer and "`Tax`" in answer
    # Typed in the team's channel, the channel decides.
    answer = command(slack, running, fake_slack, f"team add <@{OTHER}|o>", ADMIN, channel="CTAX")
    assert "Added to *Tax*" in answer


def test_settings_modal_saves_day_time_zone_privacy_and_language(slack, running, fake_slack, deps):
    setup_team(slack, running, fake_slack, deps)
    answer = command(slack, running, fake_slack, "team settings", MANAGER)
    assert "settings are open" in answer
    view = opened_view(fake_slack)
    assert view["callback_id"] == "team_settings"
    values = {
        "weekday": {"value": {"type": "static_select", "selected_option": {"value": "4"}}},
        "time": {"value": {"type": "timepicker", "selected_time": "16:30"}},
        "timezone": {"value": {"type": "plain_text_input", "value": "Nowhere/Atlantis"}},
        "privacy": {"value": {"type": "static_select", "selected_option": {"value": "detailed"}}},
        "language": {"value": {"type": "static_select", "selected_option": {"value": "nl"}}},
    }
    refused = slack.view_submission("team_settings", values, user=MANAGER, private_metadata=view["private_metadata"])
    assert refused.json()["response_action"] == "errors" and "timezone" in refused.json()["errors"]
    values["timezone"]["value"]["value"] = "Europe/Brussels"
    slack.view_submission("team_settings", values, user=MANAGER, private_metadata=view["private_metadata"])
    running.settle()
    with deps.sessions() as session:
        team = session.scalar(select(Team))
        assert (team.digest_weekday, team.digest_time, team.timezone, team.privacy, team.language) == (
            4,
            time(16, 30),
            "Europe/Brussels",
            "detailed",
            "nl",
        )
    assert "every Friday at 16:30 (Europe/Brussels)" in text_of(fake_slack.calls_to("response_url")[-1].params)


def test_settings_by_a_non_manager_change_nothing(slack, running, fake_slack, deps):
    setup_team(slack, running, fake_slack, deps)
    fake_slack.add_user(ANNA)
    assert "can change that team" in command(slack, running, fake_slack, "team settings Advisory", ANNA)
    assert not fake_slack.calls_to("views.open")


def test_team_usage_and_escaped_names(slack, running, fake_slack, deps):
    fake_slack.add_user(ADMIN, is_admin=True)
    assert "Team commands" in command(slack, running, fake_slack, "team", ADMIN)
    assert "Give the team a name" in command(slack, running, fake_slack, "team create NoChannel", ADMIN)
    answer = command(slack, running, fake_slack, "team create <!channel> pals <#CX|x>", ADMIN)
    assert "&lt;!channel&gt; pals" in answer and "<!channel>" not in answer


def test_managers_remove_keeps_the_member_and_never_leaves_a_team_without_a_manager(slack, running, fake_slack, deps):
    setup_team(slack, running, fake_slack, deps)
    command(slack, running, fake_slack, f"team managers add <@{ANNA}|anna>", MANAGER)
    accept(slack, running, fake_slack, ANNA)
    assert roles(deps) == {"manager": {MANAGER, ANNA}, "member": {ANNA, BRAM}}
    answer = command(slack, running, fake_slack, f"team managers remove <@{ANNA}|anna>", MANAGER)
    assert f"No longer managing *Advisory*: <@{ANNA}>" in answer
    assert roles(deps) == {"manager": {MANAGER}, "member": {ANNA, BRAM}}  # Anna is still a member
    assert "None of them manages *Advisory*" in command(
        slack, running, fake_slack, f"team managers remove <@{BRAM}|bram>", MANAGER
    )
    # The last manager cannot take themselves out, neither as manager nor from the team altogether.
    for text in (f"team managers remove <@{MANAGER}|man>", f"team remove <@{MANAGER}|man>"):
        answer = command(slack, running, fake_slack, text, MANAGER)
        assert "would leave *Advisory* without a manager" in answer
    assert roles(deps) == {"manager": {MANAGER}, "member": {ANNA, BRAM}}
    # A member may not touch the managers at all.
    fake_slack.add_user(BRAM)
    assert "can change that team" in command(
        slack, running, fake_slack, f"team managers remove Advisory <@{MANAGER}|m>", BRAM
    )
    # A workspace admin may remove the last one (and then manages the team through admin rights).
    answer = command(slack, running, fake_slack, f"team managers remove Advisory <@{MANAGER}|man>", ADMIN)
    assert f"No longer managing *Advisory*: <@{MANAGER}>" in answer
    assert roles(deps) == {"member": {ANNA, BRAM}}
    assert "team_left" in event_kinds(deps)
    assert "managers remove" in command(slack, running, fake_slack, "team managers", ADMIN)  # the usage


def test_admin_status_is_asked_of_slack_once_for_a_run_of_commands(slack, running, fake_slack, deps):
    setup_team(slack, running, fake_slack, deps)
    command(slack, running, fake_slack, "team list", ADMIN)
    command(slack, running, fake_slack, f"team add Advisory <@{OTHER}|o>", ADMIN)
    asked = [c for c in fake_slack.calls_to("users.info") if c.params.get("user") == ADMIN]
    assert len(asked) == 1
    # Someone who is not an admin is remembered as such too: refused twice, Slack asked once.
    fake_slack.add_user(OTHER)
    before = len(fake_slack.calls_to("users.info"))
    for _ in range(2):
        assert "can change that team" in command(slack, running, fake_slack, f"team add Advisory <@{ANNA}|a>", OTHER)
    assert len(fake_slack.calls_to("users.info")) == before + 1


def test_people_added_to_a_team_get_their_slack_names(slack, running, fake_slack, deps):
    fake_slack.add_user(ANNA, name="Anna de Vries")
    setup_team(slack, running, fake_slack, deps)
    with deps.sessions() as session:
        names = dict(session.execute(select(Person.slack_user_id, Person.display_name)).all())
    assert names[ANNA] == "Anna de Vries"
    assert names[BRAM] is None  # unknown to Slack: the digest uses a placeholder, never a mention


def test_a_forged_settings_submission_by_a_non_manager_changes_nothing(slack, running, fake_slack, deps):
    setup_team(slack, running, fake_slack, deps)
    command(slack, running, fake_slack, "team settings", MANAGER)
    view = opened_view(fake_slack)
    values = {
        "weekday": {"value": {"type": "static_select", "selected_option": {"value": "4"}}},
        "time": {"value": {"type": "timepicker", "selected_time": "16:30"}},
        "timezone": {"value": {"type": "plain_text_input", "value": "Europe/Brussels"}},
        "privacy": {"value": {"type": "static_select", "selected_option": {"value": "detailed"}}},
        "language": {"value": {"type": "static_select", "selected_option": {"value": "nl"}}},
    }
    fake_slack.add_user(ANNA)
    slack.view_submission("team_settings", values, user=ANNA, private_metadata=view["private_metadata"])
    running.settle()
    assert "can change that team" in text_of(fake_slack.calls_to("response_url")[-1].params)
    with deps.sessions() as session:
        assert session.scalar(select(Team.privacy)) == "summary"
