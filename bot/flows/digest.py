"""The weekly digest, the Slack half: post due digests to team channels, send each team's managers the
lines per person (opening with who could use a conversation: the manager's conscience), and keep live
digests up to date.

Runs inside the worker's tick (Delivery.tick). The database decides what is due and who posts it
(services/digest.py); this module renders, posts the team's wins and totals in the channel (never a
person's line), records the ts, then sends each of the team's managers one direct message with a line per
member and a Review button, recorded per manager as it goes out so a restart neither skips nor repeats one;
and it edits a live channel message in place when its content changed. (Digests posted before the lines
went private had them in a thread: an edit empties those thread messages.)
A channel that refuses the bot is reported to the team's managers by direct message, once, and
retried every hour; nothing is skipped silently.

Slack's other answers are handled like a nudge's (bot/delivery.py, services/retry.py): a 429 waits for
Retry-After (and pauses the workspace's nudges too); a passing failure backs off 2, 4, 8 minutes, four tries
in all, then the digest is given up and the managers hear it once; a token or scope Slack refuses stops
the whole workspace (nudges and every team's digest) and the managers hear it once. Edits of a live digest
back off the same way, then wait for the next news.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from bot.deps import Deps
from bot.flows import notify
from bot.messages import digest as digest_messages
from bot.messages.blocks import section, to_dicts
from bot.messages.catalogue import catalogue, escape
from bot.messages.conversations import talk_blocks
from bot.messages.help import text_message
from bot.services import conversations, digest, dispatch, people, teams
from bot.slack import SlackError
from models import Digest, Team, Workspace

if TYPE_CHECKING:
    from bot.nudge_sender import RateLimits

log = logging.getLogger("conscience.digest")
# Answers meaning "the bot may not post here"; the managers hear it and the row waits for a fix.
CHANNEL_ERRORS = frozenset(
    {"not_in_channel", "channel_not_found", "is_archived", "method_not_supported_for_channel_type", "restricted_action"}
)

# chat.update answers meaning the posted digest cannot be edited any more.
GONE_ERRORS = frozenset({"message_not_found", "cant_update_message", "edit_window_closed"})
# users.info calls per digest posted, for members whose name the bot never learned (the rest read as a
# non-pinging placeholder; names are learned when people are added, so this is rarely needed).
NAME_LOOKUPS = 25


@dataclass
class Rendered:
    digest_id: int
    team_id: int
    workspace_id: int
    channel: str
    main: dict[str, Any]
    language: str
    rendered_at: datetime
    message_ts: str | None = None
    thread_ts: list[str] = field(default_factory=list)
    fingerprint: str | None = None

    @property
    def mark(self) -> str:
        return digest_messages.fingerprint([self.main])


@dataclass
class Lines:
    """A digest's lines per person still to go out: to whom (with their language) and what they say."""

    workspace_id: int
    waiting: dict[str, str]
    data: digest.DigestData
    talks: list[conversations.Conversation]


@dataclass
class DigestReport:
    posted: int = 0
    blocked: int = 0
    updated: int = 0


def render(deps: Deps, session: Any, team: Team, row: Digest) -> Rendered:
    language = team.language or deps.settings.default_language
    cat = catalogue(language)
    period = digest.period_at(team, row.slot_at)
    now = deps.clock.now()
    data = digest.build(session, team, period, now, late=row.late)
    return Rendered(
        digest_id=row.id,
        team_id=team.id,
        workspace_id=team.workspace_id,
        channel=row.channel_id or team.channel_id or "",
        main=digest_messages.channel_message(cat, data),
        language=language,
        rendered_at=now,
        message_ts=row.message_ts,
        thread_ts=list(row.thread_ts or []),
        fingerprint=row.fingerprint,
    )


class Digests:
    def __init__(self, deps: Deps, *, limits: RateLimits | None = None, stopped: set[int] | None = None):
        self.deps = deps
        self.limits = limits  # shared with the worker's nudges: a 429 pauses the workspace for both
        self.stopped = stopped if stopped is not None else set()  # workspaces whose token Slack refused

    def tick(self) -> DigestReport:
        report = DigestReport()
        with self.deps.transaction() as session:
            jobs = digest.due(session, self.deps.clock)
        for job in jobs:
            token = str(uuid.uuid4())
            with self.deps.transaction() as session:
                digest_id = digest.claim(session, self.deps.clock, job, token)
            if digest_id is None:
                continue
            outcome = self.post(digest_id, token)
            if outcome == "posted":
                report.posted += 1
            elif outcome in ("blocked", "failed"):
                report.blocked += 1
        with self.deps.transaction() as session:
            pending = digest.lines_pending(session, self.deps.clock)
        for digest_id in pending:  # a worker stopped between the channel and the managers
            self.send_lines(digest_id)
        report.updated = self.refresh()
        return report

    def post(self, digest_id: int, token: str) -> str:
        """Post a claimed digest: "posted", "blocked" (the channel refused), "failed" (given up) or "retry"."""
        ready = self._ready(digest_id, token)
        if isinstance(ready, str):
            return ready
        slack_team_id, nameless = ready
        learn_names(self.deps, slack_team_id, nameless)
        with self.deps.transaction() as session:
            row = digest.mine(session, digest_id, token)
            team = session.get(Team, row.team_id) if row else None
            if row is None or team is None:
                return "retry"
            out = render(self.deps, session, team, row)
        try:
            ts = self._post_joining(out.channel, out.main)
        except SlackError as error:
            return self._failed(out, token, error)
        self._posted(out, token, ts)
        self.send_lines(digest_id)
        return "posted"

    def _ready(self, digest_id: int, token: str) -> tuple[str, list[str]] | str:
        """Whether a claimed digest may go out now: (the workspace's Slack id, members to learn the names of),
        or the outcome when it may not (the workspace stopped, or Slack asked it to wait)."""
        deps = self.deps
        with deps.transaction() as session:
            row = digest.mine(session, digest_id, token)
            team = session.get(Team, row.team_id) if row else None
            if row is None or team is None or not team.channel_id:
                return "retry"
            workspace = people.get_workspace_by_id(session, team.workspace_id)
            if workspace.disabled_reason or workspace.id in self.stopped:  # stopped while this was due
                digest.mark_failed(session, digest_id, token, workspace.disabled_reason or "workspace_stopped")
                return "failed"
            until = self.limits.until(workspace.id) if self.limits else None
            if until is not None and until > deps.clock.now():  # Slack asked this workspace to wait
                digest.wait(session, deps.clock, digest_id, token, "ratelimited", until)
                return "retry"
            return workspace.slack_team_id, digest.nameless_members(session, team, limit=NAME_LOOKUPS)

    def _posted(self, out: Rendered, token: str, ts: str) -> None:
        deps = self.deps
        with deps.transaction() as session:
            digest.mark_posted(
                session, deps.clock, out.digest_id, token, out.channel, ts, [], out.mark, compared_at=out.rendered_at
            )
            team = session.get(Team, out.team_id)
            if team is not None:
                teams.set_channel_problem(session, team, None)
        log.info("digest posted", extra={"workspace": out.workspace_id, "what": "digest", "outcome": "posted"})

    def send_lines(self, digest_id: int) -> None:
        """The lines per person to each of the team's managers: one direct message each, once per digest.

        Each one is recorded as soon as it is out, so a worker that stops half-way sends only the rest (at
        most the one in flight twice). A manager whose message Slack refuses is logged and not asked again:
        their Home shows the same lines. A 429 waits for Retry-After; a refused token stops the workspace."""
        deps = self.deps
        lines = self._lines_to_send(digest_id)
        if lines is None:
            return
        until = None
        for user_id, language in lines.waiting.items():
            cat = catalogue(language)
            payload = digest_messages.manager_message(cat, lines.data, talk_blocks(cat, lines.talks))
            try:
                channel, ts = deps.gateway.post_dm(user_id, payload["text"], payload["blocks"], client="dispatch")
                message = [channel, ts]
            except SlackError as error:
                log.warning(
                    "digest lines not sent: %s", error.error, extra={"workspace": lines.workspace_id, "user": user_id}
                )
                if error.rate_limited or error.workspace_wide:
                    until = self._hold(lines.workspace_id, error)
                    break
                message = []
            with deps.transaction() as session:
                digest.manager_dm_sent(session, digest_id, user_id, message)
        with deps.transaction() as session:
            digest.managers_told(session, deps.clock, digest_id, until=until)

    def _lines_to_send(self, digest_id: int) -> Lines | None:
        """The managers still waiting for this digest's lines (with their language) and what the lines say;
        None when nothing goes out (another worker has it, or the workspace stopped: then none are waited for)."""
        deps = self.deps
        with deps.transaction() as session:
            row = digest.lock_for_refresh(session, deps.clock, digest_id)  # one worker at a time
            if row is None:
                return None
            team = session.get(Team, row.team_id)
            workspace = session.get(Workspace, row.workspace_id)
            if team is None or workspace is None or workspace.disabled_reason or workspace.id in self.stopped:
                digest.managers_told(session, deps.clock, digest_id)  # nothing goes out any more
                return None
            sent = dict(row.manager_dms or {})
            waiting = {
                user_id: people.language_of(
                    people.find_person(session, workspace.slack_team_id, user_id), deps.settings.default_language
                )
                for user_id in teams.manager_user_ids(session, team)
                if user_id not in sent
            }
            now = deps.clock.now()
            data = digest.build(session, team, digest.period_at(team, row.slot_at), now, late=row.late)
            # The manager's conscience rides along: one message per manager per week, not one more.
            talks = conversations.worth_a_conversation(session, team, data, now)
            return Lines(workspace.id, waiting, data, talks)

    def _hold(self, workspace_id: int, error: SlackError) -> datetime:
        """Slack asked to wait (the rest of the managers' messages go then), or refused the workspace's token
        (stopped: nothing more goes out)."""
        deps = self.deps
        if error.workspace_wide:
            with deps.transaction() as session:
                dispatch.stop_workspace(session, workspace_id, error.error)
            self.stopped.add(workspace_id)
            return deps.clock.now() + digest.LEASE
        seconds = error.retry_after or 30
        until = deps.clock.now() + timedelta(seconds=seconds)
        if self.limits is not None:
            until, _ = self.limits.pause(workspace_id, seconds)
        return until

    def _post_joining(self, channel: str, message: dict[str, Any]) -> str:
        gateway = self.deps.gateway
        try:
            return gateway.post_message(channel, message["text"], message["blocks"], client="dispatch")
        except SlackError as error:
            if error.error != "not_in_channel":
                raise
        gateway.join_channel(channel)  # a public channel the bot left: join it again and post
        return gateway.post_message(channel, message["text"], message["blocks"], client="dispatch")

    def _failed(self, out: Rendered, token: str, error: SlackError) -> str:
        """Slack refused the headline. The same classes as a nudge (bot/delivery.py): rate limited, the
        workspace's token or scopes, the channel (blocked, hourly), anything else passing (back off, give up)."""
        if error.rate_limited:
            return self._wait(out, token, error)
        if error.workspace_wide:
            return self._stop(out, token, error)
        if error.error not in CHANNEL_ERRORS:
            return self._later(out, token, error)
        return self._blocked(out, token, error)

    def _wait(self, out: Rendered, token: str, error: SlackError) -> str:
        deps = self.deps
        seconds = error.retry_after or 30
        until = deps.clock.now() + timedelta(seconds=seconds)
        if self.limits is not None:
            until, _ = self.limits.pause(out.workspace_id, seconds)
        with deps.transaction() as session:
            digest.wait(session, deps.clock, out.digest_id, token, error.error, until)
        log.warning("digest rate limited for %ss", seconds, extra={"workspace": out.workspace_id})
        return "retry"

    def _stop(self, out: Rendered, token: str, error: SlackError) -> str:
        """The workspace's token or scopes were refused: nothing more goes out there; the managers hear it once."""
        with self.deps.transaction() as session:
            digest.mark_failed(session, out.digest_id, token, error.error)
            news = dispatch.stop_workspace(session, out.workspace_id, error.error)
        self.stopped.add(out.workspace_id)
        if news:
            self._told_stopped(out, error)
        return "failed"

    def _told_stopped(self, out: Rendered, error: SlackError) -> None:
        """The workspace was stopped just now: logged, and the team's managers hear it once."""
        log.error(
            "stopped messages to this workspace: %s",
            error.error,
            extra={"workspace": out.workspace_id, "what": "digest", "outcome": error.error},
        )
        self.tell_managers(out.team_id, "team.workspace_stopped", error=error.error, channel=out.channel)

    def _later(self, out: Rendered, token: str, error: SlackError) -> str:
        """Passing trouble: back off and try again, until the digest is given up (the managers hear it then)."""
        deps = self.deps
        with deps.transaction() as session:
            again = digest.retry_later(session, deps.clock, out.digest_id, token, error.error)
        if again:
            log.warning("digest not posted: %s", error.error, extra={"workspace": out.workspace_id})
            return "retry"
        log.error("digest given up: %s", error.error, extra={"workspace": out.workspace_id, "what": "digest"})
        self.tell_managers(out.team_id, "team.digest_failed", error=error.error, channel=out.channel)
        return "failed"

    def _blocked(self, out: Rendered, token: str, error: SlackError) -> str:
        """The channel refuses the bot: tried again hourly; the managers hear it once per digest."""
        deps = self.deps
        with deps.transaction() as session:
            news = digest.mark_blocked(session, deps.clock, out.digest_id, token, error.error)
            team = session.get(Team, out.team_id)
            if team is not None:
                teams.set_channel_problem(session, team, error.error)
            news = news and team is not None
            managers = teams.manager_user_ids(session, team) if team is not None and news else []
            name = team.name if team is not None else ""
            workspace = team.workspace_id if team is not None else 0
        log.error("digest blocked: %s", error.error, extra={"workspace": workspace, "what": "digest"})
        if news:
            self.report_problem(workspace, managers, name, out.channel, error.error)
        return "blocked"

    def report_problem(self, workspace_id: int, managers: list[str], team_name: str, channel: str, error: str) -> None:
        """Tell the team's managers, in their own language, that the channel refuses the bot."""
        with self.deps.transaction() as session:
            workspace = session.get(Workspace, workspace_id)
            team_id = workspace.slack_team_id if workspace else ""
            languages = {
                user_id: people.language_of(
                    people.find_person(session, team_id, user_id), self.deps.settings.default_language
                )
                for user_id in managers
            }
        for user_id in managers:
            cat = catalogue(languages[user_id])
            text = cat.t(
                "team.channel_blocked",
                team=escape(team_name),
                channel=f"<#{channel}>",
                fix=cat.t(f"team.channel_fix.{fix_key(error)}"),
            )
            notify.dm(self.deps, team_id, user_id, text_message(text))

    def tell_managers(self, team_id: int, key: str, *, error: str, channel: str) -> None:
        """One direct message to each of the team's managers, in their language (a digest given up, or the
        workspace stopped). A message Slack refuses too is logged by notify.dm; nothing else depends on it."""
        with self.deps.transaction() as session:
            team = session.get(Team, team_id)
            if team is None:
                return
            workspace = session.get(Workspace, team.workspace_id)
            slack_team_id = workspace.slack_team_id if workspace else ""
            name = team.name
            languages = {
                user_id: people.language_of(
                    people.find_person(session, slack_team_id, user_id), self.deps.settings.default_language
                )
                for user_id in teams.manager_user_ids(session, team)
            }
        for user_id, language in languages.items():
            cat = catalogue(language)
            text = cat.t(key, team=escape(name), channel=f"<#{channel}>", error=f"`{escape(error)}`")
            notify.dm(self.deps, slack_team_id, user_id, text_message(text))

    def refresh(self) -> int:
        """Rebuild live digests with news since they were compared; edit those that read differently."""
        deps = self.deps
        with deps.transaction() as session:
            ids = digest.live(session, deps.clock)
        updated = 0
        for digest_id in ids:
            with deps.transaction() as session:
                row = digest.lock_for_refresh(session, deps.clock, digest_id)
                team = session.get(Team, row.team_id) if row else None
                if row is None or team is None:
                    continue
                out = render(deps, session, team, row)
            if out.mark == out.fingerprint or not out.message_ts:
                with deps.transaction() as session:
                    digest.refreshed(session, digest_id, compared_at=out.rendered_at, mark=None, thread=None)
                continue
            try:
                thread = self._edit(out)
            except SlackError as error:
                log.warning("digest edit failed: %s", error.error, extra={"workspace": out.workspace_id})
                self._edit_failed(out, error)
                continue
            with deps.transaction() as session:
                digest.refreshed(session, digest_id, compared_at=out.rendered_at, mark=out.mark, thread=thread)
            updated += 1
        return updated

    def _edit_failed(self, out: Rendered, error: SlackError) -> None:
        """Like a post: a 429 waits for Retry-After; a refused token stops the workspace; a message or channel
        that is gone waits for the next news; passing trouble backs off (services/retry.py), then waits too."""
        deps = self.deps
        until = None
        if error.rate_limited:
            seconds = error.retry_after or 30
            until = deps.clock.now() + timedelta(seconds=seconds)
            if self.limits is not None:
                until, _ = self.limits.pause(out.workspace_id, seconds)
        news = False
        with deps.transaction() as session:
            if error.workspace_wide:
                news = dispatch.stop_workspace(session, out.workspace_id, error.error)
            digest.edit_failed(
                session,
                deps.clock,
                out.digest_id,
                compared_at=out.rendered_at,
                reason=error.error,
                until=until,
                give_up=error.workspace_wide or error.error in CHANNEL_ERRORS or error.error in GONE_ERRORS,
            )
        if error.workspace_wide:
            self.stopped.add(out.workspace_id)
        if news:
            self._told_stopped(out, error)

    def _edit(self, out: Rendered) -> list[str]:
        """Edit the channel message; a digest posted when the lines per person were in its thread gets those
        thread messages emptied (with blocks: without them Slack would keep the old lines). Returns the thread
        messages still to look after: none."""
        gateway = self.deps.gateway
        assert out.message_ts
        gateway.update_message(out.channel, out.message_ts, out.main["text"], out.main["blocks"], client="dispatch")
        moved = catalogue(out.language).t("digest.thread_moved")
        for ts in out.thread_ts:
            gateway.update_message(out.channel, ts, moved, to_dicts([section(moved)]), client="dispatch")
        return []


def learn_names(deps: Deps, slack_team_id: str, user_ids: list[str]) -> None:
    """Fetch and store the Slack profile (name, time zone, locale) of people the bot knows no name of,
    so digests can name them: a mention in a channel would notify them."""
    for user_id in user_ids:
        try:
            user = deps.gateway.user_info(user_id)
        except SlackError as error:
            log.warning("users.info failed: %s", error.error, extra={"workspace": slack_team_id, "user": user_id})
            if error.workspace_wide or error.rate_limited:  # the next ones would fail the same way
                return
            continue
        if user.is_bot:
            continue
        with deps.transaction() as session:
            # Through dispatch: a time zone that changed re-plans the person's messages.
            dispatch.store_profile(
                session,
                deps.clock,
                slack_team_id,
                user_id,
                people.Profile(name=user.name, timezone=user.timezone, locale=user.locale),
                rules=deps.rules,
            )


def fix_key(error: str) -> str:
    if error == "is_archived":
        return "archived"
    if error in ("method_not_supported_for_channel_type", "channel_not_found", "not_in_channel"):
        return "invite"
    return "other"
