"""The nudge kinds as data: one record per kind, read by planning, dispatch, answers, messages and the simulator.

Adding a kind: a record here, a renderer in bot/messages/nudges.py (RENDERERS) and its texts under
`nudge.<kind>.` and `nudge.fallback.<kind>` in both catalogues; tests/test_kinds.py fails when one is missing.
"""

from __future__ import annotations

from dataclasses import dataclass

INSPIRE, CHECK, NONE = "inspire", "check", "none"
# A sent row's tone when it carried both: a check-in that opened with what went well or what is next.
MIXED = "mixed"
MORNING, AFTERNOON = "morning", "checkin"  # the person's morning, or their check-in time

PREP = "prep"
CHECKIN = "checkin"
FOLLOWUP = "followup"
WEEKPLAN = "weekplan"
CELEBRATION = "celebration"
TIP = "tip"
PROGRESS = "progress"
RHYTHM = "rhythm"
SUMMARY = "summary"
ATTENTION = "attention"
QUIET = "quiet"
FOCUS = "focus"
CLEANUP = "cleanup"
CHECKIN_ANSWERS = ("done", "partly", "not_yet", "help", "drop")


@dataclass(frozen=True)
class Kind:
    name: str
    tone: str  # INSPIRE or CHECK count in the 70/30 mix; NONE for what sends nothing
    slot: str = AFTERNOON
    priority: int = 9  # who gets the slot when a day is full: lower first
    scheduled: bool = True  # rebuilt on every replan; False: a reaction to something that happened, kept
    capped: bool = True  # counts toward the daily maximum
    needs_actions: bool = True  # cancelled when none of its actions is still open
    answers: tuple[str, ...] = ()  # what its buttons answer (services/checkins.py applies them)
    sends: bool = True  # False: internal, it changes state and sends nothing
    asks_about_due: bool = False  # a question about the action's current due date (check-in, follow-up)
    waits_for_answer: bool = False  # a reaction to silence that an answer calls off
    overview: bool = False  # lists several actions; leaves out what another message that day is about
    essential: bool = False  # always fits the week's budget (it is spent on these first); the day's maximum holds
    retired: bool = False  # no longer planned (tips and progress checks filled a tone mix); rows left are cancelled
    instant: bool = False  # answers a click: sent at once, about a closed action, even while away
    about_all_open: bool = False  # speaks of every open action, not of the ones it was planned with
    opens_with_news: bool = False  # leads with what went well or what is next (bot/services/openers.py)

    @property
    def checking(self) -> bool:
        return self.tone == CHECK

    @property
    def catalogue(self) -> str:
        """The prefix of its texts; `nudge.fallback.<name>` is its notification text."""
        return f"nudge.{self.name}"


def _question(name: str) -> Kind:
    """The question about an action's current due date (a check-in, or a tidy-up of several): asked once per
    due date, always within the budget, opening with what went well or what is next."""
    return Kind(
        name, CHECK, priority=0, answers=CHECKIN_ANSWERS, asks_about_due=True, essential=True, opens_with_news=True
    )


# In the order the simulator's tables show them.
KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(PREP, INSPIRE, MORNING, priority=5, answers=("ready", "reschedule", "edit")),
        Kind(WEEKPLAN, INSPIRE, MORNING, priority=4, overview=True),
        _question(CHECKIN),
        Kind(
            FOLLOWUP,
            CHECK,
            priority=1,
            scheduled=False,
            answers=("reschedule", "smaller", "drop", "still_on"),
            asks_about_due=True,
            waits_for_answer=True,
            essential=True,
        ),
        Kind(
            CELEBRATION,
            INSPIRE,
            scheduled=False,
            capped=False,
            needs_actions=False,
            answers=("next_step",),
            instant=True,
        ),
        Kind(TIP, INSPIRE, MORNING, priority=8, retired=True),
        Kind(PROGRESS, CHECK, priority=7, answers=("on_track", "started", "not_started"), retired=True),
        Kind(
            RHYTHM,
            INSPIRE,
            MORNING,
            priority=3,
            scheduled=False,
            needs_actions=False,
            answers=("fewer", "pause", "carry_on"),
            essential=True,
        ),
        Kind(
            SUMMARY,
            INSPIRE,
            MORNING,
            priority=2,
            needs_actions=False,
            overview=True,
            about_all_open=True,
            essential=True,
        ),
        # More than a handful open: pick the few that matter this month (once).
        Kind(FOCUS, INSPIRE, MORNING, priority=6, needs_actions=False, overview=True, about_all_open=True),
        # Many overdue: one message to clean up the list, with the check-in's answers for each action.
        _question(CLEANUP),
        Kind(ATTENTION, NONE, scheduled=False, capped=False, sends=False, waits_for_answer=True),
        Kind(QUIET, NONE, scheduled=False, capped=False, needs_actions=False, sends=False),
    )
}


def of(name: str) -> Kind:
    return KINDS[name]


def named(*, where: str) -> tuple[str, ...]:
    """The names of the kinds whose flag `where` is true (for SQL `IN` lists)."""
    return tuple(k.name for k in KINDS.values() if getattr(k, where))


SCHEDULED = named(where="scheduled")
REACTIVE = tuple(k.name for k in KINDS.values() if not k.scheduled)
UNCAPPED = tuple(k.name for k in KINDS.values() if not k.capped)
CHECKING = named(where="checking")
ASKS_ABOUT_DUE = named(where="asks_about_due")
WAITS_FOR_ANSWER = named(where="waits_for_answer")
SENT = named(where="sends")
