"""The App Home: the person's plan (open actions with buttons, done this month, starters) and the commands."""

from __future__ import annotations

from datetime import date
from typing import Any

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.messages.action_form import starter_buttons
from bot.messages.actions import cards, proposal_cards
from bot.messages.blocks import MAX_VIEW_BLOCKS, actions, button, context, divider, header, section
from bot.messages.catalogue import Catalogue, escape
from bot.messages.counts import counted
from bot.messages.help import command_lines
from bot.messages.ids import ACTION_ADD, HOME_STARTER, REVIEW_OPEN
from bot.services.digest import DigestData
from models import Action

MAX_TEAM_BLOCKS = 30
MEMBERS_WITH_BUTTONS = 8


def team_blocks(cat: Catalogue, teams: list[DigestData]) -> list[Block]:
    """The manager's section: each team, a line per member with a Review button (the first few per team)."""
    if not teams:
        return []
    found: list[Block] = [divider(), section(f"*{cat.t('home.teams_header')}*")]
    for data in teams:
        totals = counted(cat, done=data.totals.done, open=data.open, overdue=data.overdue, attention=data.attention)
        found.append(section(cat.t("home.team_line", team=escape(data.team_name), **totals)))
        for line in data.members[:MEMBERS_WITH_BUTTONS]:
            # The Home is private to the manager: a mention shows the name and notifies nobody.
            name = escape(line.name) if line.name else f"<@{line.user_id}>"
            text = cat.t(
                "home.member_line",
                name=name,
                **counted(cat, done=line.wins.done, open=line.open, overdue=line.overdue, attention=line.attention),
            )
            found.append(section(text, accessory=button(cat.t("home.review"), REVIEW_OPEN, line.user_id)))
        if len(data.members) > MEMBERS_WITH_BUTTONS:
            found.append(context(cat.t("home.more_members", count=len(data.members) - MEMBERS_WITH_BUTTONS)))
    if len(found) > MAX_TEAM_BLOCKS:
        found = found[: MAX_TEAM_BLOCKS - 1] + [context(cat.t("home.more_teams"))]
    return found


def home_view(
    cat: Catalogue,
    open_actions: list[Action],
    done_this_month: list[Action],
    today: date,
    teams: list[DigestData] | None = None,
    proposals: list[tuple[Action, str]] | None = None,
) -> dict[str, Any]:
    top: list[Block] = [
        header(cat.t("home.title")),
        section(cat.t("home.idea")),
        actions(button(cat.t("button.add"), ACTION_ADD, "new", style="primary"), block_id="add"),
        divider(),
        *proposal_cards(cat, proposals or [], today),
        section(cat.t("plan.open_header")),
    ]
    done_lines = "\n".join(f"• {escape(a.title)}" for a in done_this_month[:20]) or cat.t("plan.done_empty")
    bottom: list[Block] = [
        section(cat.t("plan.done_header") + "\n" + done_lines),
        *team_blocks(cat, teams or []),
        divider(),
        section(f"*{cat.t('starter.header')}*\n{cat.t('starter.intro')}"),
        starter_buttons(cat, HOME_STARTER),
        divider(),
        section(f"*{cat.t('home.commands_header')}*\n{command_lines(cat)}"),
        context(cat.t("home.language_hint")),
    ]
    if open_actions:
        # A view has no total text limit, only its 100 blocks.
        middle = cards(cat, open_actions, today, MAX_VIEW_BLOCKS - len(top) - len(bottom), text_budget=10**9)
    else:
        middle = [section(cat.t("plan.open_empty")), divider()]
    return View(type="home", blocks=top + middle + bottom).to_dict()
