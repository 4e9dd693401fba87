"""The manager's conscience: who in a team could use a conversation with their manager this week.

Read with the weekly digest, for the team's managers only (their direct message): members with actions that
need attention, members with nothing new agreed for three weeks, and members on a streak worth a word. Built
from the digest's lines per member and one query; nothing here goes to a channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.services.digest import DigestData, MemberLine
from models import Action, Membership, Person, Team

# Nothing new agreed for this long: time to agree the next action together.
QUIET_FOR = timedelta(weeks=3)
# A proposal the member never accepted is not an agreement.
NOT_AGREED = ("proposed", "declined")


@dataclass
class Conversation:
    """One member worth a conversation, and why (one or more reasons)."""

    line: MemberLine
    attention: int = 0  # open actions that need attention
    quiet: bool = False  # nothing new agreed for QUIET_FOR
    streak: int = 0  # on a streak worth a word (the digest's rule: 2 in a row and something done this week)


def worth_a_conversation(session: Session, team: Team, data: DigestData, now: datetime) -> list[Conversation]:
    """The team's members who could use a conversation, in the digest's order (by name)."""
    agreed = last_agreed(session, team)
    since = now - QUIET_FOR
    on_a_streak = {line.user_id for line in data.streaks}
    found = []
    for line in data.members:
        last = agreed.get(line.user_id)
        talk = Conversation(
            line=line,
            attention=line.attention,
            quiet=last is None or last < since,
            streak=line.streak if line.user_id in on_a_streak else 0,
        )
        if talk.attention or talk.quiet or talk.streak:
            found.append(talk)
    return found


def last_agreed(session: Session, team: Team) -> dict[str, datetime]:
    """When each active member of the team last agreed an action (made it, or accepted a proposal), by
    Slack user id; members who never did are absent."""
    members = select(Membership.person_id).where(
        Membership.workspace_id == team.workspace_id,
        Membership.team_id == team.id,
        Membership.role == "member",
        Membership.status == "active",
    )
    rows = session.execute(
        select(Person.slack_user_id, func.max(Action.created_at))
        .join(Action, Action.owner_id == Person.id)
        .where(
            Action.workspace_id == team.workspace_id,
            Action.owner_id.in_(members),
            Action.status.not_in(NOT_AGREED),
        )
        .group_by(Person.slack_user_id)
    )
    return {user_id: _aware(at) for user_id, at in rows}


def _aware(at: datetime) -> datetime:
    """SQLite hands times back without their zone; they are stored in UTC."""
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)
