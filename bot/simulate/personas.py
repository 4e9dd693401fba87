"""How simulated people answer, in character. The choice is theirs; the effect is the real domain's.

- on_time: answers within the hour; does what they agreed on the day (Done), says "I'm ready" to
  most preparations, "on track" when asked how it goes.
- late: answers hours later; the first check-in of an action gets "Not yet" (a few working days on),
  the second one Done.
- never: never answers anything (follow-ups, the rhythm question and "needs attention" follow).
- rescheduler: moves an action a week, twice, and then gets it done.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from bot.services.calendar import WorkWeek
from bot.services.kinds import CHECKIN, FOLLOWUP, PREP, PROGRESS, RHYTHM

# What a nudge kind is answered with, per behaviour. Absent: no answer.
ANSWERED_KINDS = {
    "on_time": (PREP, CHECKIN, FOLLOWUP, PROGRESS, RHYTHM),
    "late": (CHECKIN, FOLLOWUP, PROGRESS, RHYTHM),
    "never": (),
    "rescheduler": (CHECKIN, FOLLOWUP, PROGRESS, RHYTHM),
}
# Minutes between the message and the answer.
DELAY = {"on_time": (2, 45), "late": (90, 240), "rescheduler": (5, 90)}
READY_SHARE = 0.6  # how often an on-time person clicks "I'm ready" on a preparation


@dataclass
class Persona:
    user_id: str
    behaviour: str
    rng: random.Random
    moved: Counter[int] = field(default_factory=Counter)  # reschedules per action

    def answer_delay(self, kind: str) -> timedelta | None:
        """How long after a message of this kind the person answers; None: they let it be."""
        if kind not in ANSWERED_KINDS[self.behaviour]:
            return None
        if kind == PREP and self.rng.random() >= READY_SHARE:
            return None
        low, high = DELAY[self.behaviour]
        return timedelta(minutes=self.rng.randint(low, high))

    def choose(self, kind: str, action_id: int, today: date, week: WorkWeek) -> tuple[str, date | None]:
        """The answer for one action of a nudge (action_id 0: the rhythm question)."""
        if kind == RHYTHM:
            return "carry_on", None
        if kind == PREP:
            return "ready", None
        if kind == PROGRESS:
            return {"on_time": "on_track", "late": "started"}.get(self.behaviour, "not_started"), None
        if self.behaviour == "on_time":
            return ("done", None) if kind == CHECKIN else ("still_on", None)
        if self.behaviour == "late":
            if self.moved[action_id] >= 1:
                return ("done", None) if kind == CHECKIN else ("still_on", None)
            self.moved[action_id] += 1
            answer = "not_yet" if kind == CHECKIN else "reschedule"
            return answer, week.add_working_days(today, 3)
        # rescheduler
        if self.moved[action_id] >= 2:
            return ("done", None) if kind == CHECKIN else ("still_on", None)
        self.moved[action_id] += 1
        return ("not_yet" if kind == CHECKIN else "reschedule"), today + timedelta(days=7)
