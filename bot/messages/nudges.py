"""The direct-message nudges: prep, check-in, follow-up, week plan, celebration, rhythm, summary, tip, progress.

A nudge is rendered when it is sent, and again (in place, with chat.update) after each answer, from
the same data: the kind, its wording variant, the actions it is about and the answers given so far.
Button values carry `<nudge id>:<action id>[:<answer>]`.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from slack_sdk.models.blocks import Block, DatePickerElement, Option, OverflowMenuElement, PlainTextObject

from bot.messages import tips
from bot.messages.actions import contact_status_text
from bot.messages.blocks import actions, button, context, divider, section, to_dicts, within_budget
from bot.messages.catalogue import Catalogue, escape
from bot.messages.dates import format_day
from bot.messages.ids import (
    NUDGE_ANSWER,
    NUDGE_CHANGE,
    NUDGE_CONTACT,
    NUDGE_DATE,
    NUDGE_EDIT,
    NUDGE_NEXT_STEP,
    member,
)
from bot.services import kinds, openers
from models import Action
from models.action import CONTACT_STATUSES

# The week plan is compact (about 150 words at most): a line per action, and for what is due soon without a
# preparation message of its own, the opening line on one line.
MAX_PREPS_IN_WEEKPLAN = 3
PREP_TEXT_SHOWN = 100
WEEKPLAN_LINES = 7


@dataclass
class NudgeView:
    nudge_id: int
    kind: str
    variant: int
    today: date
    actions: list[Action] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)  # action id (as text) -> answer
    streak: int = 0
    until: date | None = None
    prepared: frozenset[int] = frozenset()  # week plan: actions whose preparation it carries
    opener: openers.Opener | None = None  # a check-in's first line: what went well lately, or what is next


def _title(action: Action) -> str:
    return escape(action.title)


def _due(cat: Catalogue, action: Action, today: date) -> str:
    return format_day(cat, action.due_date, today)


def _value(view: NudgeView, action_id: int, answer: str | None = None) -> str:
    return f"{view.nudge_id}:{action_id}" + (f":{answer}" if answer else "")


def _picker_block(
    cat: Catalogue, view: NudgeView, action: Action, answer: str, key: str, *buttons_before: Any
) -> Block:
    """Buttons and a date picker; the block id tells which nudge, action and answer a picked date is."""
    picker = DatePickerElement(action_id=NUDGE_DATE, placeholder=PlainTextObject(text=cat.t(key)))
    return actions(*buttons_before, picker, block_id=f"nd:{view.nudge_id}:{action.id}:{answer}")


def _answered(cat: Catalogue, view: NudgeView, action: Action, key: str, **params: Any) -> list[Block]:
    blocks: list[Block] = [section(cat.t(key, title=_title(action), **params))]
    blocks.append(
        actions(
            button(cat.t("nudge.checkin.change"), NUDGE_CHANGE, _value(view, action.id)),
            block_id=f"nc:{view.nudge_id}:{action.id}",
        )
    )
    return blocks


def _contact_lines(cat: Catalogue, view: NudgeView, action: Action) -> list[Block]:
    blocks: list[Block] = []
    for contact in action.contacts if len(action.contacts) > 1 else []:
        status = contact_status_text(
            cat, contact.status, on=contact.appointment_on, retry=contact.retry_on, today=view.today
        )
        name = contact.name if contact.slack_user_id else escape(contact.name)
        options = [
            Option(text=cat.t(f"contact.{s}"), value=f"{view.nudge_id}:{action.id}:{contact.id}:{s}")
            for s in CONTACT_STATUSES
            if s not in (contact.status, "todo")
        ][:5]
        blocks.append(
            section(
                cat.t("contact.line", name=name, status=status),
                accessory=OverflowMenuElement(action_id=NUDGE_CONTACT, options=options),
            )
        )
    return blocks


def _prep(cat: Catalogue, view: NudgeView) -> list[Block]:
    action = view.actions[0]
    blocks: list[Block] = [
        section(cat.t("nudge.prep.intro", view.variant, title=_title(action), due=_due(cat, action, view.today)))
    ]
    lines = []
    if action.opening_line:
        lines.append(f"*{cat.t('nudge.prep.opening_label')}*\n> {escape(action.opening_line)}")
    if action.voicemail_plan:
        lines.append(f"*{cat.t('nudge.prep.voicemail_label')}*\n> {escape(action.voicemail_plan)}")
    facts = tips.Facts.of(action)
    lines += [cat.t(key) for key in tips.missing(facts)]
    blocks.append(section("\n".join(lines)))
    blocks.append(_tip_line(cat, tips.prep_tip(facts, view.variant)))
    answer = view.answers.get(str(action.id))
    if answer == "ready":
        blocks.append(section(cat.t("nudge.prep.ready_done", title=_title(action))))
    elif answer == "reschedule":
        blocks.append(section(cat.t("result.rescheduled", title=_title(action), due=_due(cat, action, view.today))))
    else:
        blocks.append(
            _picker_block(
                cat,
                view,
                action,
                "reschedule",
                "nudge.prep.reschedule",
                button(
                    cat.t("nudge.prep.ready"),
                    member(NUDGE_ANSWER, "ready"),
                    _value(view, action.id, "ready"),
                    style="primary",
                ),
                button(cat.t("nudge.prep.edit"), NUDGE_EDIT, _value(view, action.id)),
            )
        )
    return blocks


CHECKIN_ANSWERS = {
    "done": "nudge.checkin.answered_done",
    "partly": "nudge.checkin.answered_partly",
    "not_yet": "nudge.checkin.answered_not_yet",
    "help": "nudge.checkin.answered_help",
    "drop": "nudge.checkin.answered_drop",
}


def _checkin(cat: Catalogue, view: NudgeView) -> list[Block]:
    intro = section(cat.t("nudge.checkin.intro", view.variant, count=len(view.actions)))
    return within_budget(
        [*_opener(cat, view), intro], [_checkin_action(cat, view, a) for a in view.actions], _more(cat)
    )


def _opener(cat: Catalogue, view: NudgeView) -> list[Block]:
    """What a check-in opens with, set apart by a line from the question below it: it names another action."""
    line = _opener_line(cat, view)
    return [section(line), divider()] if line else []


def _opener_line(cat: Catalogue, view: NudgeView) -> str | None:
    """The line a check-in opens with: what went well lately, or what is next and its first step."""
    opener = view.opener
    if opener is None:
        return None
    title = _title(opener.action)
    if opener.what == openers.BOOKED and opener.contact is not None:
        contact = opener.contact
        name = contact.name if contact.slack_user_id else escape(contact.name)
        return cat.t("nudge.checkin.opener_booked", contact=name, title=title)
    if opener.what == openers.NEXT:
        due = _due(cat, opener.action, view.today)
        step = cat.t(f"nudge.checkin.opener_step_{opener.step}")
        return cat.t("nudge.checkin.opener_next", due=due, title=title) + "\n" + step
    return cat.t("nudge.checkin.opener_done", view.variant, title=title)


def _checkin_action(cat: Catalogue, view: NudgeView, action: Action) -> list[Block]:
    answer = view.answers.get(str(action.id))
    if answer in CHECKIN_ANSWERS:
        due = {"due": _due(cat, action, view.today)} if answer == "not_yet" else {}
        return _answered(cat, view, action, CHECKIN_ANSWERS[answer], **due)
    # Check-ins of two working days in a row come together: an earlier action says when it was due.
    if action.due_date < view.today:
        question = cat.t("nudge.checkin.question_earlier", title=_title(action), due=_due(cat, action, view.today))
    else:
        question = cat.t("nudge.checkin.question", title=_title(action))
    return [
        section(question),
        *_contact_lines(cat, view, action),
        _picker_block(
            cat,
            view,
            action,
            "not_yet",
            "nudge.checkin.new_date",
            *(
                button(cat.t(f"nudge.checkin.{a}"), member(NUDGE_ANSWER, a), _value(view, action.id, a), style=style)
                for a, style in (("done", "primary"), ("partly", None), ("help", None), ("drop", None))
            ),
        ),
    ]


def _more(cat: Catalogue) -> Callable[[int], Block]:
    """The line under a list cut to Slack's budget: how many more, and where to see them all."""
    return lambda count: context(cat.t("list.more", count=count))


FOLLOWUP_ANSWERS = {
    "reschedule": "nudge.followup.answered_reschedule",
    "smaller": "nudge.followup.answered_smaller",
    "drop": "nudge.followup.answered_drop",
    "still_on": "nudge.followup.answered_still_on",
}


def _followup(cat: Catalogue, view: NudgeView) -> list[Block]:
    groups = [_followup_action(cat, view, a, n) for n, a in enumerate(view.actions)]
    return within_budget([], groups, _more(cat))


def _followup_action(cat: Catalogue, view: NudgeView, action: Action, index: int) -> list[Block]:
    answer = view.answers.get(str(action.id))
    if answer in FOLLOWUP_ANSWERS:
        due = {"due": _due(cat, action, view.today)} if answer == "reschedule" else {}
        return _answered(cat, view, action, FOLLOWUP_ANSWERS[answer], **due)
    return [
        # One wording per action: the same sentence twice in one message reads as a form letter.
        section(cat.t("nudge.followup.intro", view.variant + index, title=_title(action))),
        _picker_block(
            cat,
            view,
            action,
            "reschedule",
            "nudge.followup.reschedule",
            button(
                cat.t("nudge.followup.still_on"), member(NUDGE_ANSWER, "still_on"), _value(view, action.id, "still_on")
            ),
            button(cat.t("nudge.followup.smaller"), NUDGE_EDIT, _value(view, action.id, "smaller")),
            button(cat.t("nudge.followup.drop"), member(NUDGE_ANSWER, "drop"), _value(view, action.id, "drop")),
        ),
    ]


def _overview(
    cat: Catalogue,
    view: NudgeView,
    table: str,
    shown: int = 20,
    line: Callable[[Action], str] | None = None,
    late_last: bool = False,
) -> list[Block]:
    """The intro and a line per action, the week as it comes (with late_last, what is still open from before
    after it); `line` writes an action's line (default: its day and title)."""
    in_order = sorted(view.actions, key=lambda a: (late_last and a.due_date < view.today, a.due_date, a.id))
    write = line or (lambda a: cat.t(f"nudge.{table}.line", due=_due(cat, a, view.today), title=_title(a)))
    lines = [write(a) for a in in_order[:shown]]
    if len(in_order) > shown:
        lines.append(cat.t("list.more", count=len(in_order) - shown))
    return (
        [
            section(cat.t(f"nudge.{table}.intro", view.variant, count=len(view.actions))),
            section("\n".join(f"• {line}" for line in lines)),
        ]
        if lines
        else []
    )


def _clip(text: str, limit: int) -> str:
    """At most `limit` characters, cut after a whole word."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " " and " " in cut:  # the cut fell inside a word: leave that word out
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:.") + "…"


def _weekplan(cat: Catalogue, view: NudgeView) -> list[Block]:
    # On its morning the week plan replaces the prep of what is due within the preparation window: those actions'
    # lines carry the opening line too (or the note that there is none), so each action is named once.
    # The week ahead first, so the lines that carry a preparation (due within days) are never cut.
    ahead = sorted((a for a in view.actions if a.due_date >= view.today), key=lambda a: (a.due_date, a.id))
    prepared = [a.id for a in ahead if a.id in view.prepared][:MAX_PREPS_IN_WEEKPLAN]
    line = functools.partial(_weekplan_line, cat, view, set(prepared))
    return [
        *_overview(cat, view, "weekplan", WEEKPLAN_LINES, line, late_last=True),
        context(cat.t("nudge.weekplan.encouragement", view.variant)),
    ]


def _weekplan_line(cat: Catalogue, view: NudgeView, prepared: set[int], action: Action) -> str:
    """Day and title; for an action it prepares, its opening line (clipped to its first words) on that line; an
    action whose date has passed (its check-in comes this week) is said to be still open since then."""
    due, title = _due(cat, action, view.today), _title(action)
    if action.due_date < view.today:
        return cat.t("nudge.weekplan.line_overdue", due=due, title=title)
    if action.id not in prepared:
        return cat.t("nudge.weekplan.line", due=due, title=title)
    if action.opening_line:
        opening = escape(_clip(" ".join(action.opening_line.split()), PREP_TEXT_SHOWN))
        return cat.t("nudge.weekplan.line_opening", due=due, title=title, opening=opening)
    return cat.t("nudge.weekplan.line_no_opening", due=due, title=title)


def _focus(cat: Catalogue, view: NudgeView) -> list[Block]:
    return [*_overview(cat, view, "focus", WEEKPLAN_LINES), context(cat.t("nudge.focus.hint"))]


def _cleanup(cat: Catalogue, view: NudgeView) -> list[Block]:
    intro = section(cat.t("nudge.cleanup.intro", view.variant, count=len(view.actions)))
    return within_budget(
        [*_opener(cat, view), intro], [_checkin_action(cat, view, a) for a in view.actions], _more(cat)
    )


def _tip_line(cat: Catalogue, choice: tips.Choice) -> Block:
    return context(cat.t(choice.key, choice.variant))


def _summary(cat: Catalogue, view: NudgeView) -> list[Block]:
    if not view.actions:
        return [section(cat.t("nudge.summary.empty"))]
    return _overview(cat, view, "summary")


def _celebration(cat: Catalogue, view: NudgeView) -> list[Block]:
    # Several actions done on one day share one celebration, updated in place: the newest leads.
    latest, earlier = view.actions[-1], view.actions[:-1]
    blocks: list[Block] = [section(cat.t("nudge.celebration.intro", view.variant, title=_title(latest)))]
    if earlier:
        # Titles are whole sentences ("Call Piet ..."): one per line when there are several.
        titles = [f"*{_title(a)}*" for a in earlier]
        listed = titles[0] if len(titles) == 1 else "\n" + "\n".join(f"• {t}" for t in titles)
        blocks.append(context(cat.t("nudge.celebration.also_today", titles=listed)))
    if view.streak >= 2:
        blocks.append(context(cat.t("nudge.celebration.streak", count=view.streak)))
    shown = 0  # next steps worded so far: each gets the next variant
    for action in reversed(view.actions):
        if action.kind not in ("aftercare", "top_client") or action.repeat_weeks:
            continue
        if view.answers.get(str(action.id)) == "next_step":
            continue
        text = cat.t(f"nudge.celebration.next_step_{action.kind}", view.variant + shown)
        shown += 1
        blocks.append(section(text if not earlier else f"*{_title(action)}*\n{text}"))
        blocks.append(
            actions(
                button(cat.t("nudge.celebration.plan_next"), NUDGE_NEXT_STEP, _value(view, action.id), style="primary"),
                block_id=f"nn:{view.nudge_id}:{action.id}",
            )
        )
    return blocks


RHYTHM_ANSWERS = {
    "fewer": "nudge.rhythm.answered_fewer",
    "pause": "nudge.rhythm.answered_pause",
    "carry_on": "nudge.rhythm.answered_carry_on",
}


def _rhythm(cat: Catalogue, view: NudgeView) -> list[Block]:
    answer = view.answers.get("0")
    if answer in RHYTHM_ANSWERS:
        until = format_day(cat, view.until, view.today) if view.until else ""
        return [section(cat.t(RHYTHM_ANSWERS[answer], **({"until": until} if answer == "pause" else {})))]
    return [
        section(cat.t("nudge.rhythm.intro")),
        actions(
            button(cat.t("nudge.rhythm.fewer"), member(NUDGE_ANSWER, "fewer"), _value(view, 0, "fewer")),
            button(cat.t("nudge.rhythm.pause"), member(NUDGE_ANSWER, "pause"), _value(view, 0, "pause")),
            button(
                cat.t("nudge.rhythm.carry_on"),
                member(NUDGE_ANSWER, "carry_on"),
                _value(view, 0, "carry_on"),
                style="primary",
            ),
            block_id=f"nr:{view.nudge_id}",
        ),
    ]


def _tip(cat: Catalogue, view: NudgeView) -> list[Block]:
    action = view.actions[0]
    choice = tips.tip(tips.Facts.of(action), view.variant)
    return [
        section(
            cat.t("nudge.tip.intro", view.variant, title=_title(action), due=_due(cat, action, view.today))
            + "\n"
            + cat.t(choice.key, choice.variant)
        )
    ]


PROGRESS_ANSWERS = {
    "on_track": "nudge.progress.answered_on_track",
    "started": "nudge.progress.answered_started",
    "not_started": "nudge.progress.answered_not_started",
}


def _progress(cat: Catalogue, view: NudgeView) -> list[Block]:
    action = view.actions[0]
    answer = view.answers.get(str(action.id))
    if answer in PROGRESS_ANSWERS:
        return _answered(
            cat,
            view,
            action,
            PROGRESS_ANSWERS[answer],
            **({"due": _due(cat, action, view.today)} if answer == "not_started" else {}),
        )
    blocks: list[Block] = [
        section(cat.t("nudge.progress.intro", view.variant, title=_title(action), due=_due(cat, action, view.today)))
    ]
    blocks += _contact_lines(cat, view, action)
    blocks.append(
        actions(
            *(
                button(cat.t(f"nudge.progress.{a}"), member(NUDGE_ANSWER, a), _value(view, action.id, a))
                for a in PROGRESS_ANSWERS
            ),
            block_id=f"np:{view.nudge_id}:{action.id}",
        )
    )
    return blocks


# One renderer per kind that sends (bot/services/kinds.py); tests/test_kinds.py checks none is missing.
RENDERERS: dict[str, Callable[[Catalogue, NudgeView], list[Block]]] = {
    kinds.PREP: _prep,
    kinds.CHECKIN: _checkin,
    kinds.FOLLOWUP: _followup,
    kinds.WEEKPLAN: _weekplan,
    kinds.CELEBRATION: _celebration,
    kinds.RHYTHM: _rhythm,
    kinds.SUMMARY: _summary,
    kinds.TIP: _tip,
    kinds.PROGRESS: _progress,
    kinds.FOCUS: _focus,
    kinds.CLEANUP: _cleanup,
}
# The notification text names how many (overviews and bundles), or the one action it is about.
COUNTED = (kinds.CHECKIN, kinds.WEEKPLAN, kinds.SUMMARY, kinds.FOCUS, kinds.CLEANUP)


def fallback_text(cat: Catalogue, view: NudgeView) -> str:
    # A shared celebration is about the newest action done.
    first = (view.actions[-1] if view.kind == kinds.CELEBRATION else view.actions[0]) if view.actions else None
    params: dict[str, Any] = {}
    if view.kind in COUNTED:
        params["count"] = len(view.actions)
    elif view.kind != kinds.RHYTHM and first is not None:
        params["title"] = _title(first)
    return cat.t(f"nudge.fallback.{view.kind}", **params)


def render(cat: Catalogue, view: NudgeView) -> dict[str, Any]:
    return {"text": fallback_text(cat, view), "blocks": to_dicts(RENDERERS[view.kind](cat, view))}
