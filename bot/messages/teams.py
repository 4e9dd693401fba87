"""Team setup: answers of `/conscience team ...`, the team list, the settings modal, the team picker."""

from __future__ import annotations

import json
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    InputBlock,
    Option,
    PlainTextInputElement,
    StaticSelectElement,
    TimePickerElement,
)
from slack_sdk.models.views import View

from bot.messages.blocks import actions, button, clip, section, to_dicts
from bot.messages.catalogue import Catalogue, escape
from bot.messages.counts import counted
from bot.messages.ids import DIGEST_PICK, INVITE_ACCEPT, INVITE_DECLINE, TEAM_SETTINGS_CALLBACK
from bot.services.personal_settings import FORMALITIES
from config.languages import LANGUAGES
from models import Person, Team
from models.team import PRIVACY_LEVELS

# The invitation's buttons: each its own action id (Slack refuses two alike in one block); the value is
# "<membership id>:<team id>", checked against the clicker when clicked.


def schedule_text(cat: Catalogue, team: Team) -> str:
    return cat.t(
        "team.schedule",
        weekday=cat.raw("team.weekdays")[team.digest_weekday],
        time=team.digest_time.strftime("%H:%M"),
        timezone=team.timezone,
    )


def channel_text(cat: Catalogue, team: Team) -> str:
    return f"<#{team.channel_id}>" if team.channel_id else cat.t("team.no_channel")


def mentions(user_ids: list[str]) -> str:
    return ", ".join(f"<@{u}>" for u in user_ids)


def team_list(
    cat: Catalogue, found: list[tuple[Team, list[tuple[Person, str]]]], invited: dict[int, list[str]] | None = None
) -> dict[str, Any]:
    """The teams with their managers and size; `invited` (team id -> user ids) for the teams the reader
    may change: who has not answered an invitation yet."""
    if not found:
        return message(cat.t("team.list_empty"))
    parts = []
    for team, roster in found:
        managers = [p.slack_user_id for p, role in roster if role == "manager"]
        members = [p.slack_user_id for p, role in roster if role == "member"]
        line = cat.t(
            "team.list_line",
            team=escape(team.name),
            channel=channel_text(cat, team),
            schedule=schedule_text(cat, team),
            privacy=cat.t(f"team.privacy.{team.privacy}"),
            managers=mentions(managers) or "–",
            members=counted(cat, members=len(members))["members"],
        )
        if (invited or {}).get(team.id):
            line += "\n" + cat.t("team.list_invited", people=mentions((invited or {})[team.id][:30]))
        if team.channel_problem:
            line += "\n" + cat.t("team.list_problem", problem=team.channel_problem)
        parts.append(line)
    blocks = [section(cat.t("team.list_header"))] + [section(clip(p, 2900)) for p in parts[:45]]
    return {"response_type": "ephemeral", "text": cat.t("team.list_header"), "blocks": to_dicts(blocks)}


def membership_notice(
    cat: Catalogue, team: Team, role: str, actor_user_id: str, manager_user_ids: list[str], *, invitation: int | None
) -> dict[str, Any]:
    """The direct message to someone added to a team (invitation None: by an admin, done) or invited to it
    (invitation: the membership id, for Accept and Decline): who, which team, what its managers will see."""
    name = escape(team.name)
    if role == "manager":
        extra = {"manages": cat.t("team.notice.manages")}
    else:
        managers = mentions(manager_user_ids) or cat.t("team.notice.no_managers")
        extra = {"sees": cat.t(f"team.notice.sees_{team.privacy}", managers=managers), "name": name}
    key = "invited" if invitation is not None else "added"
    text = cat.t(f"team.notice.{key}_{role}", actor=actor_user_id, team=name, **extra)
    blocks: list[Block] = [section(text)]
    if invitation is not None:
        value = f"{invitation}:{team.id}"
        blocks.append(
            actions(
                button(cat.t("team.notice.accept"), INVITE_ACCEPT, value, style="primary"),
                button(cat.t("team.notice.decline"), INVITE_DECLINE, value),
                block_id=f"team_invite:{invitation}",
            )
        )
    return {"text": text, "blocks": to_dicts(blocks)}


def invitation_answered(cat: Catalogue, team: Team, role: str | None, outcome: str) -> dict[str, Any]:
    """The invitation after its answer, in place of the buttons. outcome: accepted, declined, closed, already_in."""
    key = f"team.notice.accepted_{role or 'member'}" if outcome == "accepted" else f"team.notice.{outcome}"
    name = escape(team.name)
    text = cat.t(key, team=name, name=name)
    return {"text": text, "blocks": to_dicts([section(text)])}


def manager_note(cat: Catalogue, team: Team, person_user_id: str, key: str) -> dict[str, Any]:
    """To a team's managers: someone accepted, declined or left (key under team.notice)."""
    text = cat.t(f"team.notice.{key}", person=person_user_id, team=escape(team.name))
    return {"text": text, "blocks": to_dicts([section(text)])}


def message(text: str) -> dict[str, Any]:
    return {"response_type": "ephemeral", "text": text, "blocks": to_dicts([section(text)])}


def picker(cat: Catalogue, teams: list[Team], mode: str) -> dict[str, Any]:
    """Several teams: which one? (`mode` is preview or post)."""
    options = [Option(value=f"{mode}:{t.id}", text=clip(t.name, 75)) for t in teams[:100]]
    select = StaticSelectElement(action_id=DIGEST_PICK, placeholder=cat.t("digest.pick_placeholder"), options=options)
    blocks: list[Block] = [section(cat.t("digest.pick")), ActionsBlock(elements=[select], block_id="digest_pick")]
    return {"response_type": "ephemeral", "text": cat.t("digest.pick"), "blocks": to_dicts(blocks)}


def settings_modal(cat: Catalogue, team: Team, response_url: str | None) -> dict[str, Any]:
    weekdays = cat.raw("team.weekdays")
    day_options = [Option(value=str(i), text=weekdays[i]) for i in range(7)]
    privacy_options = [Option(value=p, text=cat.t(f"team.privacy.{p}")) for p in PRIVACY_LEVELS]
    language_options = [Option(value=code, text=cat.t(f"team.language.{code}")) for code in LANGUAGES]
    language = team.language or cat.language
    formality_options = [Option(value=f, text=cat.t(f"settings.formality.{f}")) for f in FORMALITIES]
    formality = FORMALITIES.index(team.formality) if team.formality in FORMALITIES else 0
    blocks: list[Block] = [
        section(cat.t("team.settings_intro", team=escape(team.name))),
        InputBlock(
            block_id="weekday",
            label=cat.t("team.settings_weekday"),
            element=StaticSelectElement(
                action_id="value", options=day_options, initial_option=day_options[team.digest_weekday]
            ),
        ),
        InputBlock(
            block_id="time",
            label=cat.t("team.settings_time"),
            element=TimePickerElement(action_id="value", initial_time=team.digest_time.strftime("%H:%M")),
        ),
        InputBlock(
            block_id="timezone",
            label=cat.t("team.settings_timezone"),
            hint=cat.t("team.settings_timezone_hint"),
            element=PlainTextInputElement(action_id="value", initial_value=team.timezone, max_length=64),
        ),
        InputBlock(
            block_id="privacy",
            label=cat.t("team.settings_privacy"),
            hint=cat.t("team.settings_privacy_hint"),
            element=StaticSelectElement(
                action_id="value",
                options=privacy_options,
                initial_option=privacy_options[PRIVACY_LEVELS.index(team.privacy)],
            ),
        ),
        InputBlock(
            block_id="language",
            label=cat.t("team.settings_language"),
            element=StaticSelectElement(
                action_id="value",
                options=language_options,
                initial_option=language_options[0 if language == "en" else 1],
            ),
        ),
        InputBlock(
            block_id="formality",
            label=cat.t("team.settings_formality"),
            hint=cat.t("team.settings_formality_hint"),
            element=StaticSelectElement(
                action_id="value", options=formality_options, initial_option=formality_options[formality]
            ),
        ),
    ]
    meta = {"team_id": team.id, "response_url": response_url or ""}
    return View(
        type="modal",
        callback_id=TEAM_SETTINGS_CALLBACK,
        title=clip(cat.t("team.settings_title"), 24),
        submit=cat.t("team.settings_save"),
        close=cat.t("team.settings_cancel"),
        private_metadata=json.dumps(meta),
        blocks=blocks,
    ).to_dict()
