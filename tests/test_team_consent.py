"""Membership with consent: an admin adds people and they are told; a manager invites and the person accepts or
declines; until they accept, the team's managers see nothing of them; a member can leave a team."""

from __future__ import annotations

from datetime import date

import pytest
from alembic import command as alembic
from sqlalchemy import Engine, select, text

from bot.services import teams
from models import Membership, Person, Team
from models.migrate import alembic_config
from tests.scenario import buttons, click_button, event_kinds, insert_action, person, text_of
from tests.test_teams import ADMIN, ANNA, BRAM, MANAGER, OTHER, command, invitation, roles

ACCEPT, DECLINE = "team_invite_accept", "team_invite_decline"


def dms_to(fake_slack, user_id):
    return [
        c.params for c in fake_slack.calls_to("chat.postMessage") if c.params["channel"] in (user_id, f"D{user_id}")
    ]


def admin_team(slack, running, fake_slack):
    """Advisory, with MANAGER as its manager and BRAM as its member, set up by a workspace admin."""
    fake_slack.add_user(ADMIN, is_admin=True)
    fake_slack.add_user(MANAGER, name="Marieke")
    fake_slack.add_user(ANNA, name="Anna de Vries")
    fake_slack.add_user(BRAM, name="Bram")
    command(slack, running, fake_slack, "team create Advisory <#CADV|advisory>", ADMIN)
    command(slack, running, fake_slack, f"team managers add Advisory <@{MANAGER}|man>", ADMIN)
    command(slack, running, fake_slack, f"team add Advisory <@{BRAM}|bram>", ADMIN)


def invite_anna(slack, running, fake_slack, role="member"):
    verb = "managers add" if role == "manager" else "add"
    return command(slack, running, fake_slack, f"team {verb} <@{ANNA}|anna>", MANAGER)


def click(slack, running, fake_slack, action_id, user=ANNA, value=None):
    response = click_button(slack, fake_slack, action_id, value or invitation(fake_slack, ANNA), user=user)
    running.settle()
    return response


def review(slack, running, fake_slack, member, user=MANAGER):
    return command(slack, running, fake_slack, f"review <@{member}|m>", user)


def home_of(slack, running, fake_slack, user):
    slack.event({"type": "app_home_opened", "user": user, "tab": "home"})
    running.settle()
    return text_of(fake_slack.calls_to("views.publish")[-1].params["view"])


def invitation_message(fake_slack):
    """The invitation in Anna's DMs as it reads now (after any chat.update)."""
    found = [m for m in fake_slack.workspace.messages.values() if m.channel in (ANNA, f"D{ANNA}")]
    return text_of({"blocks": found[-1].blocks})


# -- an admin adds directly, and the person is told ----------------------------------------------------------


def test_an_admin_adds_a_member_directly_and_the_member_is_told_who_and_what_the_managers_see(
    slack, running, fake_slack, deps
):
    admin_team(slack, running, fake_slack)
    answer = command(slack, running, fake_slack, f"team add Advisory <@{ANNA}|anna>", ADMIN)
    assert f"Added to *Advisory*: <@{ANNA}>" in answer and "I told them" in answer
    assert roles(deps) == {"manager": {MANAGER}, "member": {ANNA, BRAM}}
    told = text_of(dms_to(fake_slack, ANNA)[-1])
    assert f"<@{ADMIN}> added you to team *Advisory*" in told
    assert f"Its managers (<@{MANAGER}>) get your line of the team's weekly digest privately" in told
    assert "never in the channel" in told
    assert "the outcomes you shared" in told and "private notes, opening lines and voicemail plans stay yours" in told
    assert "`/conscience team leave Advisory`" in told
    assert ACCEPT not in buttons(dms_to(fake_slack, ANNA)[-1])  # nothing to accept: an admin decided
    assert "Anna de Vries's actions" in review(slack, running, fake_slack, ANNA)


def test_an_admin_makes_someone_a_manager_and_they_are_told_what_a_manager_sees(slack, running, fake_slack, deps):
    admin_team(slack, running, fake_slack)
    told = text_of(dms_to(fake_slack, MANAGER)[-1])
    assert f"<@{ADMIN}> made you a manager of team *Advisory*" in told
    assert "can review its members' lists" in told


# -- a manager invites: nothing until the person accepts ---------------------------------------------------------


def test_an_invited_member_is_invisible_to_the_managers_until_they_accept(slack, running, fake_slack, deps):
    admin_team(slack, running, fake_slack)
    person(deps, ANNA)
    insert_action(deps, ANNA, "Call Jan about the audit", due=date(2026, 11, 24), attention=True)
    answer = invite_anna(slack, running, fake_slack)
    assert f"Invited to *Advisory*: <@{ANNA}>" in answer and "see nothing of them" in answer
    dm = dms_to(fake_slack, ANNA)[-1]
    assert f"<@{MANAGER}> invites you to team *Advisory*" in text_of(dm)
    assert f"If you accept: Its managers (<@{MANAGER}>) get your line" in text_of(dm)
    assert "Until then, its managers see nothing of you" in text_of(dm)
    shown = buttons(dm)
    assert set(shown) == {ACCEPT, DECLINE} and shown[ACCEPT] == shown[DECLINE]
    assert roles(deps) == {"manager": {MANAGER}, "member": {BRAM}}
    assert roles(deps, status="invited") == {"member": {ANNA}}

    # No review, no digest line, no Home line, no proposals.
    assert f"Only <@{ANNA}>'s own managers can review their list" in review(slack, running, fake_slack, ANNA)
    preview = command(slack, running, fake_slack, "digest", MANAGER)
    assert "Bram" in preview and "Anna" not in preview and "Call Jan" not in preview
    # Bram's line only; Anna's action that needs attention counts nowhere (a one-member team shows no totals).
    assert "*Bram*: no wins this week · 0 open" in preview and ":warning:" not in preview
    home = home_of(slack, running, fake_slack, MANAGER)
    assert "Bram" in home and "Anna" not in home and "1 needs attention" not in home
    slack.command("/action", f"<@{ANNA}|anna> call Piet before Friday", user=MANAGER)
    running.settle()
    assert "Only a manager of" in text_of(fake_slack.calls_to("response_url")[-1].params)
    # The manager's team list says who has not answered yet.
    assert f"Invited, no answer yet: <@{ANNA}>" in command(slack, running, fake_slack, "team list", MANAGER)

    # Anna accepts: the invitation changes in place, the manager is told, and the manager sees her now.
    click(slack, running, fake_slack, ACCEPT)
    assert "You joined team *Advisory*" in invitation_message(fake_slack)
    assert ACCEPT not in invitation_message(fake_slack)
    update = fake_slack.calls_to("chat.update")[-1].params
    assert update["channel"] == dm["channel"] or update["channel"] == f"D{ANNA}"
    assert f"<@{ANNA}> accepted the invitation to *Advisory*" in text_of(dms_to(fake_slack, MANAGER)[-1])
    assert roles(deps) == {"manager": {MANAGER}, "member": {ANNA, BRAM}}
    assert "Call Jan about the audit" in review(slack, running, fake_slack, ANNA)
    assert "Anna" in command(slack, running, fake_slack, "digest", MANAGER)
    assert "Anna" in home_of(slack, running, fake_slack, MANAGER)
    assert "team_invited" in event_kinds(deps) and "team_accepted" in event_kinds(deps)


def test_a_declined_invitation_leaves_the_managers_blind_and_tells_them(slack, running, fake_slack, deps):
    admin_team(slack, running, fake_slack)
    invite_anna(slack, running, fake_slack)
    click(slack, running, fake_slack, DECLINE)
    assert "You declined the invitation to *Advisory*" in invitation_message(fake_slack)
    assert f"<@{ANNA}> declined the invitation to *Advisory*" in text_of(dms_to(fake_slack, MANAGER)[-1])
    assert roles(deps) == {"manager": {MANAGER}, "member": {BRAM}}
    assert roles(deps, status="invited") == {}
    assert "own managers can review" in review(slack, running, fake_slack, ANNA)
    # A second click on the old buttons changes nothing: still declined, the manager is not told again.
    told = len(dms_to(fake_slack, MANAGER))
    click(slack, running, fake_slack, ACCEPT)
    assert roles(deps) == {"manager": {MANAGER}, "member": {BRAM}}
    assert len(dms_to(fake_slack, MANAGER)) == told
    assert "no longer open" in invitation_message(fake_slack)
    # The manager may invite again; she gets a new invitation.
    assert "Invited to *Advisory*" in invite_anna(slack, running, fake_slack)


def test_a_double_click_on_accept_has_one_effect(slack, running, fake_slack, deps):
    admin_team(slack, running, fake_slack)
    invite_anna(slack, running, fake_slack)
    value = invitation(fake_slack, ANNA)
    for _ in range(2):
        click(slack, running, fake_slack, ACCEPT, value=value)
    assert event_kinds(deps).count("team_accepted") == 1
    assert len([d for d in dms_to(fake_slack, MANAGER) if "accepted the invitation" in text_of(d)]) == 1
    assert "You joined team *Advisory*" in invitation_message(fake_slack)
    # Declining after accepting does not take her out: leaving is a command of its own.
    click(slack, running, fake_slack, DECLINE, value=value)
    assert roles(deps) == {"manager": {MANAGER}, "member": {ANNA, BRAM}}
    assert "You're in *Advisory* already" in invitation_message(fake_slack)


def test_only_the_invited_person_in_their_workspace_can_answer(slack, running, fake_slack, deps):
    admin_team(slack, running, fake_slack)
    invite_anna(slack, running, fake_slack)
    value = invitation(fake_slack, ANNA)
    updates = len(fake_slack.calls_to("chat.update"))
    for user, team in ((OTHER, "T1"), (MANAGER, "T1"), (ANNA, "T2")):
        slack.block_action(ACCEPT, value, user=user, team=team, container={"type": "message"})
        running.settle()
    assert roles(deps, status="invited") == {"member": {ANNA}}
    assert roles(deps) == {"manager": {MANAGER}, "member": {BRAM}}
    assert len(fake_slack.calls_to("chat.update")) == updates
    assert "team_accepted" not in event_kinds(deps)


def test_a_withdrawn_invitation_can_no_longer_be_accepted(slack, running, fake_slack, deps):
    admin_team(slack, running, fake_slack)
    invite_anna(slack, running, fake_slack)
    assert f"Removed from *Advisory*: <@{ANNA}>" in command(
        slack, running, fake_slack, f"team remove <@{ANNA}|a>", MANAGER
    )
    click(slack, running, fake_slack, ACCEPT)
    assert "This invitation to *Advisory* is no longer open" in invitation_message(fake_slack)
    assert roles(deps) == {"manager": {MANAGER}, "member": {BRAM}}


def test_an_admins_add_turns_an_open_invitation_into_a_membership(slack, running, fake_slack, deps):
    admin_team(slack, running, fake_slack)
    invite_anna(slack, running, fake_slack)
    assert "Invited to *Advisory* already, no answer yet" in invite_anna(slack, running, fake_slack)
    assert "Added to *Advisory*" in command(slack, running, fake_slack, f"team add Advisory <@{ANNA}|a>", ADMIN)
    assert roles(deps) == {"manager": {MANAGER}, "member": {ANNA, BRAM}}


# -- managers: an admin, or the person's acceptance ------------------------------------------------------------


def test_a_manager_cannot_make_someone_a_manager_without_their_acceptance(slack, running, fake_slack, deps):
    admin_team(slack, running, fake_slack)
    insert_action(deps, BRAM, "Visit Klaas", due=date(2026, 12, 10))
    answer = invite_anna(slack, running, fake_slack, role="manager")
    assert f"Invited to manage *Advisory*: <@{ANNA}>" in answer
    assert f"<@{MANAGER}> invites you to manage team *Advisory*" in text_of(dms_to(fake_slack, ANNA)[-1])
    # Until she accepts she has no manager's rights and sees nothing.
    assert roles(deps) == {"manager": {MANAGER}, "member": {BRAM}}
    assert "own managers can review" in review(slack, running, fake_slack, BRAM, user=ANNA)
    assert "can change" in command(slack, running, fake_slack, f"team add Advisory <@{OTHER}|o>", ANNA)
    assert "You don't manage a team" in command(slack, running, fake_slack, "digest", ANNA)
    click(slack, running, fake_slack, ACCEPT)
    assert "You now manage team *Advisory*" in invitation_message(fake_slack)
    assert f"<@{ANNA}> accepted: they manage *Advisory* now" in text_of(dms_to(fake_slack, MANAGER)[-1])
    assert "Visit Klaas" in review(slack, running, fake_slack, BRAM, user=ANNA)


# -- leaving -------------------------------------------------------------------------------------------------


def test_a_member_leaves_a_team_and_its_managers_are_told(slack, running, fake_slack, deps):
    admin_team(slack, running, fake_slack)
    insert_action(deps, BRAM, "Visit Klaas", due=date(2026, 12, 10))
    assert "Visit Klaas" in review(slack, running, fake_slack, BRAM)
    answer = command(slack, running, fake_slack, "team leave", BRAM)
    assert "You left *Advisory*" in answer
    assert f"<@{BRAM}> left *Advisory*" in text_of(dms_to(fake_slack, MANAGER)[-1])
    assert roles(deps) == {"manager": {MANAGER}}
    assert "own managers can review" in review(slack, running, fake_slack, BRAM)
    assert "Bram" not in command(slack, running, fake_slack, "digest", MANAGER)
    assert "You're not in a team" in command(slack, running, fake_slack, "team leave", BRAM)


def test_leave_names_the_team_when_there_are_several_and_the_last_manager_stays(slack, running, fake_slack, deps):
    admin_team(slack, running, fake_slack)
    command(slack, running, fake_slack, "team create Tax <#CTAX|tax>", ADMIN)
    command(slack, running, fake_slack, f"team add Tax <@{BRAM}|b>", ADMIN)
    assert "Which team?" in command(slack, running, fake_slack, "team leave", BRAM)
    assert "You're not in a team called *Legal*" in command(slack, running, fake_slack, "team leave Legal", BRAM)
    assert "You left *Tax*" in command(slack, running, fake_slack, "team leave tax", BRAM)
    assert roles(deps, "Tax") == {}
    assert roles(deps) == {"manager": {MANAGER}, "member": {BRAM}}
    # Typed in the team's channel, the channel decides (and Tax has no manager to tell).
    assert "You left *Advisory*" in command(slack, running, fake_slack, "team leave", BRAM, channel="CADV")
    # The last manager cannot walk away from a team; an admin could take them out.
    assert "without a manager" in command(slack, running, fake_slack, "team leave", MANAGER)
    assert roles(deps) == {"manager": {MANAGER}}


# -- both languages --------------------------------------------------------------------------------------------


def test_the_invitation_and_its_answers_speak_each_persons_language(slack, running, fake_slack, deps):
    admin_team(slack, running, fake_slack)
    person(deps, ANNA, language="nl")
    invite_anna(slack, running, fake_slack)
    dm = dms_to(fake_slack, ANNA)[-1]
    assert f"<@{MANAGER}> nodigt je uit voor team *Advisory*" in text_of(dm)
    assert "Tot je aanneemt zien de managers niets van je" in text_of(dm)
    labels = [e["text"]["text"] for b in dm["blocks"] for e in b.get("elements", []) if e.get("type") == "button"]
    assert labels == ["Aannemen", "Afslaan"]
    click(slack, running, fake_slack, ACCEPT)
    assert "Je zit nu in team *Advisory*" in invitation_message(fake_slack)
    assert f"<@{ANNA}> accepted the invitation" in text_of(dms_to(fake_slack, MANAGER)[-1])  # he reads English
    person(deps, MANAGER, language="nl")
    assert "Je bent uit *Advisory* gestapt" in command(slack, running, fake_slack, "team leave", ANNA)
    assert f"<@{ANNA}> is uit *Advisory* gestapt" in text_of(dms_to(fake_slack, MANAGER)[-1])


def test_someone_new_to_the_bot_is_invited_in_the_language_of_their_slack(slack, running, fake_slack, deps):
    admin_team(slack, running, fake_slack)
    fake_slack.add_user(OTHER, name="Olga", locale="nl-NL")
    command(slack, running, fake_slack, f"team add <@{OTHER}|o>", MANAGER)
    invited = text_of(dms_to(fake_slack, OTHER)[-1])
    assert f"<@{MANAGER}> nodigt je uit voor team *Advisory*" in invited
    assert f"Zo werkt het als je aanneemt. De managers (<@{MANAGER}>) zien jouw regel" in invited


@pytest.mark.parametrize(
    "language, words",
    [("en", ["`/conscience team leave [team]`", "invite"]), ("nl", ["`/conscience team leave [team]`", "uitnodiging"])],
)
def test_help_and_team_usage_mention_invitations_and_leave(slack, running, fake_slack, deps, language, words):
    person(deps, ANNA, language=language)
    help_answer = text_of(slack.command("/conscience", "help", user=ANNA).json())  # answered in the ack
    usage = command(slack, running, fake_slack, "team", ANNA)
    for answer in (help_answer, usage):
        assert all(w in answer for w in words), answer


# -- the migration ---------------------------------------------------------------------------------------------


def test_memberships_made_before_consent_existed_stay_active(engine: Engine, database_url_for_tests: str, deps) -> None:
    config = alembic_config(database_url_for_tests)
    manager, member = person(deps, MANAGER), person(deps, ANNA)
    alembic.downgrade(config, "0004")
    try:
        now = deps.clock.now().replace(tzinfo=None)
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO teams (workspace_id, name, digest_weekday, digest_time, timezone, privacy, created_at)"
                    " VALUES (:w, 'Old', 0, '09:00:00', 'Europe/Amsterdam', 'summary', :now)"
                ),
                {"w": manager.workspace_id, "now": now},
            )
            team_id = connection.execute(text("SELECT id FROM teams WHERE name = 'Old'")).scalar_one()
            for who, role in ((manager, "manager"), (member, "member")):
                connection.execute(
                    text(
                        "INSERT INTO memberships (workspace_id, team_id, person_id, role, created_at)"
                        " VALUES (:w, :t, :p, :r, :now)"
                    ),
                    {"w": manager.workspace_id, "t": team_id, "p": who.id, "r": role, "now": now},
                )
    finally:
        alembic.upgrade(config, "head")
    with deps.sessions() as session:
        assert set(session.scalars(select(Membership.status))) == {"active"}
        assert session.scalar(select(Team.name).where(Team.name == "Old")) == "Old"
        assert teams.is_manager_of(session, session.get(Person, manager.id), session.get(Person, member.id))
