"""Text as a person types it in Slack: decoded once on the way in, stored as typed, escaped once on the way out;
and an event Slack delivers again does its work once."""

from __future__ import annotations

from sqlalchemy import select

from models import Event, Membership, Person, Team
from tests.scenario import actions_of, event_kinds, last_response, manager_of, opened_view, text_of
from tests.slack_client import as_slack_sends

ADMIN, ANNA = "UADMIN", "UANNA"


def test_the_test_client_sends_what_a_person_typed_as_slack_does():
    assert as_slack_sends("call Jan & Piet tomorrow") == "call Jan &amp; Piet tomorrow"
    assert as_slack_sends("5 < 6 > 4") == "5 &lt; 6 &gt; 4"
    assert as_slack_sends("ask <@U2|piet> & <@U3> in <#C1|general> <!here> <https://x.example|site>") == (
        "ask <@U2|piet> &amp; <@U3> in <#C1|general> <!here> <https://x.example|site>"
    )


def test_jan_and_piet_typed_in_action_is_stored_as_typed_and_shown_escaped_once(slack, running, fake_slack, deps):
    slack.command("/action", "call Jan & Piet tomorrow")
    reply = text_of(last_response(fake_slack))
    assert "Saved: *Call Jan &amp; Piet*" in reply  # Slack shows: Saved: Call Jan & Piet
    assert "&amp;amp;" not in reply
    running.settle()
    [action] = actions_of(deps)
    assert action.title == "Call Jan & Piet"
    assert [c.name for c in action.contacts] == ["Jan & Piet"]  # like "Smith & Jones": one name
    assert "Who: Jan &amp; Piet" in reply
    home = text_of(fake_slack.wait_for("views.publish")[-1].params["view"])
    assert "Call Jan &amp; Piet" in home and "&amp;amp;" not in home


def test_a_title_with_angle_brackets_is_stored_as_typed_and_cannot_become_markup(slack, running, fake_slack, deps):
    slack.command("/action", "call Jan about the <b> tag and 5 > 3 tomorrow")
    reply = text_of(last_response(fake_slack))
    assert "*Call Jan about the &lt;b&gt; tag and 5 &gt; 3*" in reply
    assert "<b>" not in reply and "&amp;lt;" not in reply and "&amp;gt;" not in reply
    running.settle()
    [action] = actions_of(deps)
    assert action.title == "Call Jan about the <b> tag and 5 > 3"


def test_an_entity_a_person_types_is_decoded_once_not_twice(slack, running, fake_slack, deps):
    # Typed: "&lt;x&gt;" (ten characters). Slack sends "&amp;lt;x&amp;gt;"; it is kept as those characters.
    slack.command("/action", "call Jan about &lt;x&gt; and &amp; co tomorrow")
    running.settle()
    [action] = actions_of(deps)
    assert action.title == "Call Jan about &lt;x&gt; and &amp; co"
    assert "*Call Jan about &amp;lt;x&amp;gt; and &amp;amp; co*" in text_of(last_response(fake_slack))


def test_a_vague_action_prefills_the_form_with_the_text_as_typed(slack, running, fake_slack, deps):
    slack.command("/action", "call some clients & partners this summer")
    view = text_of(opened_view(fake_slack))
    assert '"initial_value": "Call some clients & partners this summer"' in view  # plain text: not escaped
    assert "&amp;amp;" not in view
    running.settle()
    assert actions_of(deps) == []


def test_a_manager_proposes_an_action_with_an_ampersand_to_the_mentioned_member(slack, running, fake_slack, deps):
    manager_of(deps, "UMAN", "UMEM")
    slack.command("/action", "<@UMEM|mem> call Jan & Piet tomorrow", user="UMAN")
    running.settle()
    assert "Call Jan &amp; Piet" in text_of(last_response(fake_slack))
    [action] = actions_of(deps, "UMEM")
    assert action.title == "Call Jan & Piet"


def test_a_person_mentioned_in_a_quick_add_is_a_contact_by_user_id_and_shown_as_a_mention(
    slack, running, fake_slack, deps
):
    slack.command("/action", "call <@U2|piet> & Jan tomorrow")
    assert "Who: <@U2>" in text_of(last_response(fake_slack))
    running.settle()
    [action] = actions_of(deps)
    assert [(c.name, c.slack_user_id) for c in action.contacts] == [("<@U2>", "U2"), ("Jan", None)]


def test_a_mention_typed_out_by_hand_in_a_quick_add_is_a_name_shown_as_text(slack, running, fake_slack, deps):
    slack.command("/action", "call &lt;@U9&gt; tomorrow", as_sent=True)
    reply = text_of(last_response(fake_slack))
    assert "Who: &lt;@U9&gt;" in reply and "<@U9>" not in reply
    running.settle()
    [action] = actions_of(deps)
    assert [(c.name, c.slack_user_id) for c in action.contacts] == [("<@U9>", None)]


def _team_command(slack, running, fake_slack, text, user=ADMIN, **kwargs):
    before = len(fake_slack.calls_to("response_url"))
    slack.command("/conscience", text, user=user, **kwargs)
    running.settle()
    return text_of(last_response(fake_slack, before + 1))


def test_a_team_name_with_an_ampersand_is_stored_as_typed_and_mentions_still_resolve(slack, running, fake_slack, deps):
    fake_slack.add_user(ADMIN, is_admin=True)
    answer = _team_command(slack, running, fake_slack, "team create R&D <#CRD|r-and-d>")
    assert "Team *R&amp;D* is set up" in answer and "<#CRD>" in answer and "&amp;amp;" not in answer
    answer = _team_command(slack, running, fake_slack, f"team add R&D <@{ANNA}|anna & co>")
    assert f"Added to *R&amp;D*: <@{ANNA}>" in answer
    with deps.sessions() as session:
        team = session.scalar(select(Team))
        assert (team.name, team.channel_id) == ("R&D", "CRD")
        members = session.scalars(
            select(Person.slack_user_id)
            .join(Membership, Membership.person_id == Person.id)
            .where(Membership.team_id == team.id, Membership.role == "member")
        ).all()
        assert members == [ANNA]


def test_a_mention_typed_out_by_hand_is_text_not_a_mention(slack, running, fake_slack, deps):
    fake_slack.add_user(ADMIN, is_admin=True)
    _team_command(slack, running, fake_slack, "team create Sales <#CS|sales>")
    # Typed as characters, "<@UANNA>" reaches the app as "&lt;@UANNA&gt;": no one to add.
    answer = _team_command(slack, running, fake_slack, "team add Sales &lt;@UANNA&gt;", as_sent=True)
    assert "Added to" not in answer
    with deps.sessions() as session:
        assert session.scalars(select(Membership.role).where(Membership.role == "member")).all() == []


def test_a_manager_asks_for_the_digest_of_a_team_with_an_ampersand_in_its_name(slack, running, fake_slack, deps):
    fake_slack.add_user(ADMIN, is_admin=True)
    _team_command(slack, running, fake_slack, "team create R&D <#CRD|rd>")
    _team_command(slack, running, fake_slack, f"team managers add R&D <@{ANNA}|anna>")
    answer = _team_command(slack, running, fake_slack, "digest R&D", user=ANNA)
    assert "don't manage a team" not in answer
    assert "R&amp;D" in answer and "&amp;amp;" not in answer
    assert "digest_viewed" in event_kinds(deps)


def test_an_unknown_subcommand_is_shown_escaped_once(slack):
    text = text_of(slack.command("/conscience", "R&D").json())
    assert "I don't know `/conscience R&amp;D`." in text and "&amp;amp;" not in text


def _home_opened(slack, user, **kwargs):
    return slack.event({"type": "app_home_opened", "user": user, "channel": f"D{user}", "tab": "home"}, **kwargs)


def test_an_app_home_opened_delivered_again_is_acknowledged_and_not_handled_twice(slack, running, fake_slack, deps):
    manager_of(deps, "UMAN", "UMEM")
    assert _home_opened(slack, "UMAN", event_id="EvHome1").status == 200
    running.settle()
    fake_slack.wait_for("views.publish")
    for retry in (1, 2, 3):
        assert _home_opened(slack, "UMAN", event_id="EvHome1", retry=retry, retry_reason="http_timeout").status == 200
    running.settle()
    assert len(fake_slack.calls_to("views.publish")) == 1
    assert event_kinds(deps).count("digest_viewed") == 1


def test_a_retry_of_an_event_whose_first_delivery_never_arrived_is_handled(slack, running, fake_slack, deps):
    assert _home_opened(slack, "U1", event_id="EvLost", retry=1, retry_reason="http_error").status == 200
    running.settle()
    assert fake_slack.wait_for("views.publish")[0].params["user_id"] == "U1"


def test_a_repeat_handled_again_elsewhere_changes_nothing_more(slack, running, fake_slack, deps):
    # Another process did not see the first delivery: it handles the repeat, which only publishes the Home again.
    manager_of(deps, "UMAN", "UMEM")
    _home_opened(slack, "UMAN", event_id="EvHome2")
    running.settle()
    deps.deliveries.forget("EvHome2")  # as if the repeat reached a process that never saw the first
    _home_opened(slack, "UMAN", event_id="EvHome2", retry=1)
    running.settle()
    publishes = fake_slack.wait_for("views.publish", 2)
    assert publishes[0].params["view"] == publishes[1].params["view"]
    assert event_kinds(deps).count("digest_viewed") == 1
    with deps.sessions() as session:
        assert len(session.scalars(select(Person).where(Person.slack_user_id == "UMAN")).all()) == 1
        assert len(session.scalars(select(Event).where(Event.kind == "digest_viewed")).all()) == 1
