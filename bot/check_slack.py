"""`python -m bot check-slack`: a conformance self-test for a real install.

It sends one person one message of every kind the bot sends (every nudge, a proposal, a team invitation, a digest
and the lines per person its managers get) and publishes their Home, rendered from realistic sample data that
leans on Slack's limits, and prints one line per payload: accepted, or Slack's error with the offending path.
Only a real workspace can show what the suite cannot: that Slack itself, with this app's token and scopes, takes
every payload.
`--dry-run` sends nothing: it answers every payload with the fake Slack of the tests (bot/fake_slack).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal, Protocol, TextIO
from zoneinfo import ZoneInfo

from dotenv import load_dotenv

from bot.fake_slack.workspace import Workspace
from bot.messages import actions as action_messages
from bot.messages import digest as digest_messages
from bot.messages import teams as team_messages
from bot.messages.catalogue import Catalogue, catalogue
from bot.messages.home import home_view
from bot.messages.nudges import RENDERERS, NudgeView, render
from bot.services import actions, kinds
from bot.services.digest import DigestData, MemberLine, Period, Wins
from bot.services.people import language_from_locale
from bot.slack import SlackError, SlackGateway
from config.languages import LANGUAGES
from config.settings import SLACK_API_DEFAULT
from models import Action, ActionContact, Team

Surface = Literal["dm", "reply", "home"]
DRY_RUN_USER = "U0CHECKSLACK"
# Every nudge kind the renderer knows: a new kind without a sample below shows up as a FAILED line.
NUDGE_KINDS = tuple(RENDERERS)
KINDS = (*NUDGE_KINDS, "proposal", "invitation", "digest", "digest-lines", "home")


@dataclass(frozen=True)
class Payload:
    kind: str
    surface: Surface  # a DM, a reply in the thread of the DM before it, or the Home tab
    render: Callable[[], dict[str, Any]]  # rendered when sent, so one broken renderer is one line


class Refused(Exception):
    def __init__(self, error: str, detail: list[str] | None = None, *, stop: bool = False) -> None:
        super().__init__(error)
        self.error = error
        self.stop = stop  # every further call would fail the same way (token, scopes, person, network)
        # Slack writes "[ERROR] failed to match all allowed schemas [json-pointer:/blocks/2/elements/1]".
        self.detail = [d.removeprefix("[ERROR]").strip() for d in detail or [] if d]

    def __str__(self) -> str:
        return ": ".join([self.error, *self.detail[:3]]) + (
            f" (+{len(self.detail) - 3} more)" if len(self.detail) > 3 else ""
        )


def _refused(exc: SlackError) -> Refused:
    # SlackError.detail (Slack's response_metadata.messages) names the offending path, where it exists.
    stop = exc.permanent or exc.error.startswith("connection_error")
    return Refused(exc.error, exc.detail, stop=stop)


class Target(Protocol):
    def language(self, user_id: str) -> str: ...

    def post(self, user_id: str, message: dict[str, Any], thread: tuple[str, str] | None) -> tuple[str, str]: ...

    def publish(self, user_id: str, view: dict[str, Any]) -> None: ...


class RealSlack:
    """Slack through the bot's own gateway, so the check sends exactly as the bot does."""

    def __init__(self, gateway: SlackGateway) -> None:
        self.gateway = gateway

    def language(self, user_id: str) -> str:
        try:
            return language_from_locale(self.gateway.user_info(user_id).locale, "en")
        except SlackError as exc:
            raise _refused(exc) from None

    def post(self, user_id: str, message: dict[str, Any], thread: tuple[str, str] | None) -> tuple[str, str]:
        try:
            if thread is not None:
                channel, ts = thread
                return channel, self.gateway.post_message(channel, message["text"], message.get("blocks"), thread_ts=ts)
            return self.gateway.post_dm(user_id, message["text"], message.get("blocks"))
        except SlackError as exc:
            raise _refused(exc) from None

    def publish(self, user_id: str, view: dict[str, Any]) -> None:
        try:
            self.gateway.publish_home(user_id, view)
        except SlackError as exc:
            raise _refused(exc) from None


class DryRun:
    """The fake workspace of the tests: the same rules and answers the suite checks every payload against."""

    def __init__(self, user_id: str) -> None:
        self.workspace = Workspace()
        self.workspace.add_user(user_id)

    def language(self, user_id: str) -> str:
        return "en"

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        _status, body, _headers = self.workspace.answer(method, params)
        if not body.get("ok"):
            detail = body.get("errors") or (body.get("response_metadata") or {}).get("messages")
            raise Refused(str(body.get("error")), list(detail or []))
        return body

    def post(self, user_id: str, message: dict[str, Any], thread: tuple[str, str] | None) -> tuple[str, str]:
        params = {"channel": thread[0] if thread else user_id, "text": message["text"], "blocks": message.get("blocks")}
        if thread is not None:
            params["thread_ts"] = thread[1]
        body = self._answer("chat.postMessage", params)
        return str(body["channel"]), str(body["ts"])

    def publish(self, user_id: str, view: dict[str, Any]) -> None:
        self._answer("views.publish", {"user_id": user_id, "view": view})


# -- sample data ------------------------------------------------------------------------------------------

# Names and texts people type: mrkdwn's special characters must arrive escaped, and long preparation
# texts must be cut to Slack's section limit.
OPENING = (
    "Hi Anne, it's been a while since we sorted out the lease for Smith & <Jones>. "
    "I was reading about the new rules on commercial leases & thought of you: are you planning to move "
    "or to extend in the coming year? I'd like to hear how the business is doing and whether there is "
    "anything we can take off your plate. "
) * 5
VOICEMAIL = (
    "Hi Anne, this is about the lease of Smith & <Jones>: nothing urgent, I'll try again on Thursday "
    "morning; call me back any time on my mobile. "
) * 4


def _action(
    action_id: int,
    title: str,
    kind: str,
    due: date,
    *,
    contacts: tuple[tuple[str, str | None, str], ...] = (),
    opening: str | None = None,
    voicemail: str | None = None,
    status: str = "open",
) -> Action:
    """A plain in-memory Action, filled in as the bot fills what people type, so shaped as the renderers get it
    from the database (nothing is stored)."""
    action = Action(id=action_id, workspace_id=1, owner_id=1, created_by_id=1, status=status, needs_attention=False)
    actions.fill(
        action, actions.ActionInput(title=title, due=due, kind=kind, opening_line=opening, voicemail_plan=voicemail)
    )
    action.contacts = [
        ActionContact(
            id=action_id * 10 + i,
            workspace_id=1,
            action_id=action_id,
            position=i,
            name=name,
            slack_user_id=slack_id,
            status=contact_status,
            appointment_on=due + timedelta(days=7) if contact_status == "booked" else None,
            retry_on=due + timedelta(days=2) if contact_status in ("voicemail", "no_answer") else None,
        )
        for i, (name, slack_id, contact_status) in enumerate(contacts)
    ]
    return action


@dataclass
class Sample:
    today: date
    user_id: str

    def __post_init__(self) -> None:
        today, me = self.today, self.user_id
        self.three_contacts = _action(
            101,
            "Call the partners of Smith & <Jones> about the renewal",
            "top_client",
            today - timedelta(days=1),
            contacts=(("Anne & Co", None, "booked"), ("<Bas> de Vries", None, "voicemail"), (f"<@{me}>", me, "todo")),
        )
        self.prepared = _action(
            102,
            "Lunch with <Carla> & the Fenwick board",
            "aftercare",
            today + timedelta(days=1),
            opening=OPENING,
            voicemail=VOICEMAIL,
            contacts=(("Carla Fenwick", None, "todo"),),
        )
        self.plain = _action(103, "Send the R&D tax credit memo to Dekker <BV>", "buying_signal", today)
        self.later = _action(
            104, "Networking drinks at the chamber of commerce", "networking", today + timedelta(days=3)
        )
        self.done_aftercare = _action(105, "Thank Pieters & Zn for the referral", "aftercare", today, status="done")
        self.done_top = _action(106, "Yearly review with <Groot> Holding", "top_client", today, status="done")

    @property
    def open(self) -> list[Action]:
        return [self.three_contacts, self.plain, self.prepared, self.later]

    def nudge(self, kind: str) -> NudgeView:
        """The view dispatch would build for a kind, about the sample actions (nothing answered yet)."""
        samples = {
            kinds.PREP: [self.prepared],
            kinds.CHECKIN: [self.three_contacts, self.plain],
            kinds.FOLLOWUP: [self.three_contacts, self.plain],
            kinds.WEEKPLAN: [self.plain, self.prepared, self.later, self.three_contacts],
            kinds.CELEBRATION: [self.done_top, self.done_aftercare],
            kinds.RHYTHM: [],
            kinds.SUMMARY: self.open,
            kinds.TIP: [self.later],
            kinds.PROGRESS: [self.three_contacts],
            kinds.FOCUS: self.open,
            kinds.CLEANUP: [self.three_contacts, self.plain],
        }
        if kind not in samples:
            raise LookupError(f"no sample for the nudge kind {kind!r}: add one to bot/check_slack.py")
        return NudgeView(
            nudge_id=9000 + NUDGE_KINDS.index(kind),
            kind=kind,
            variant=1,
            today=self.today,
            actions=samples[kind],
            streak=3 if kind == kinds.CELEBRATION else 0,
            prepared=frozenset({self.prepared.id, self.plain.id}) if kind == kinds.WEEKPLAN else frozenset(),
        )

    def team(self) -> Team:
        """A team to be invited to (the invitation's buttons answer nothing: no such membership)."""
        return Team(id=9100, name="Sales & <Advisory>", privacy="detailed")

    def digest(self) -> DigestData:
        zone = ZoneInfo("Europe/Amsterdam")
        slot = datetime.combine(self.today, time(9), zone)
        members = [
            MemberLine(
                self.user_id,
                "Anne & <Partners>",
                Wins(done=3, meetings=1, signals=1),
                streak=4,
                open=5,
                overdue=1,
                done_titles=["Thank Pieters & Zn", "Yearly review with <Groot> Holding", "Call Dekker"],
                overdue_titles=["Send the R&D memo to Dekker <BV>"],
            ),
            MemberLine("U0SAMPLE2", None, Wins(), open=2, attention=1, attention_titles=["Call <Fenwick> & Co"]),
            MemberLine("U0SAMPLE3", "Bas", Wins(done=1), streak=1, open=1),
        ]
        return DigestData(
            team_name="Sales & <Advisory>",
            channel_id=None,
            privacy="detailed",
            language=None,
            period=Period(self.today - timedelta(days=7), self.today, slot, zone),
            today=self.today,
            members=members,
            totals=Wins(done=4, meetings=1, signals=1),
            previous=Wins(done=2, meetings=2, signals=0),
        )


def payloads(cat: Catalogue, sample: Sample) -> list[Payload]:
    """Every payload, in the order an admin reads them in the DM."""

    def nudge(kind: str) -> Callable[[], dict[str, Any]]:
        return lambda: render(cat, sample.nudge(kind))

    found = [Payload(kind, "dm", nudge(kind)) for kind in NUDGE_KINDS]
    found += [
        Payload(
            "proposal", "dm", lambda: action_messages.proposal_message(cat, sample.later, sample.user_id, sample.today)
        ),
        Payload(
            "invitation",
            "dm",
            lambda: team_messages.membership_notice(
                cat, sample.team(), "member", sample.user_id, [sample.user_id], invitation=9100
            ),
        ),
        Payload("digest", "dm", lambda: digest_messages.channel_message(cat, sample.digest())),
        Payload("digest-lines", "dm", lambda: digest_messages.manager_message(cat, sample.digest())),
        Payload(
            "home",
            "home",
            lambda: home_view(
                cat, sample.open, [sample.done_top, sample.done_aftercare], sample.today, [sample.digest()]
            ),
        ),
    ]
    return found


# -- the run ----------------------------------------------------------------------------------------------


def check(target: Target, user_id: str, languages: list[str] | None, today: date, out: TextIO) -> int:
    """Send every payload in each language (None: the person's); print a line each and a summary.
    Returns the exit code."""
    accepted = refused = 0
    stopped: Refused | None = None
    if languages is None:
        try:
            languages = [target.language(user_id)]
        except Refused as exc:  # the bot reads time zones and locales with users.info: worth a line too
            refused += 1
            print(f"REFUSED profile (users.info {user_id}): {exc}", file=out)
            stopped = exc if exc.stop else None
            languages = [] if exc.stop else ["en"]
    for language in languages:
        last: tuple[str, str] | None = None  # where the previous DM went: a reply goes in its thread
        for payload in payloads(catalogue(language), Sample(today, user_id)):
            label = f"{payload.kind} ({language})"
            try:
                body = payload.render()
            except Exception as exc:  # a renderer bug is as much a failure as Slack refusing it
                refused += 1
                print(f"FAILED  {label}: could not render: {type(exc).__name__}: {exc}", file=out)
                continue
            try:
                if payload.surface == "home":
                    target.publish(user_id, body)
                else:
                    posted = target.post(user_id, body, last if payload.surface == "reply" else None)
                    last = posted if payload.surface == "dm" else last
            except Refused as exc:
                refused += 1
                last = None if payload.surface == "dm" else last
                print(f"REFUSED {label}: {exc}", file=out)
                if exc.stop:
                    stopped = exc
                    break
                continue
            accepted += 1
            print(f"ok      {label}", file=out)
        if stopped:
            break
    if stopped is not None:
        print(
            f"stopped: every further call would fail with {stopped.error}; "
            "check the token, the app's scopes and reinstall, the user id, or the network.",
            file=out,
        )
    planned = len(KINDS) * max(len(languages), 1)
    verdict = "all accepted" if not refused else f"{refused} refused" + (", stopped early" if stopped else "")
    print(f"{accepted} of {planned} payloads accepted: {verdict}.", file=out)
    return 0 if not refused else 1


def add_parser(commands: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(
        "check-slack",
        help="send one message of every kind to a person and publish their Home: does Slack accept them all?",
        description=(
            "A self-test for a real install: sends the person given by --to one message of every kind the bot "
            "sends and publishes their Home, with the bot's token (SLACK_BOT_TOKEN, from the environment or "
            ".env), and prints per payload whether Slack accepted it. Exit 0 only when all were accepted."
        ),
    )
    parser.add_argument(
        "--to", metavar="USER_ID", help="the Slack user id (U...) to send to; required unless --dry-run"
    )
    parser.add_argument(
        "--language", choices=LANGUAGES, help="the language of the messages (default: the person's; a dry run: all)"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="send nothing: check every payload against the fake Slack's rules"
    )
    parser.set_defaults(run=run, parser=parser)
    return parser


def _usage(message: str) -> int:
    print(f"check-slack: {message}", file=sys.stderr)
    return 2


def run(args: argparse.Namespace, _top: argparse.ArgumentParser) -> int:
    today = date.today()
    user_id = args.to
    if user_id is not None and not (user_id[:1] in ("U", "W") and len(user_id) > 1):
        return _usage(
            f"--to takes a Slack user id such as U012AB3CD, got {user_id!r} "
            "(in Slack: the person's profile, ⋮ More, Copy member ID)"
        )
    if args.dry_run:
        languages = [args.language] if args.language else list(LANGUAGES)
        return check(DryRun(user_id or DRY_RUN_USER), user_id or DRY_RUN_USER, languages, today, sys.stdout)
    if user_id is None:
        return _usage("--to is required (the Slack user id to send the test messages to), or use --dry-run")
    load_dotenv(override=False)
    token = (os.environ.get("SLACK_BOT_TOKEN") or "").strip()
    if not token.startswith("xoxb-"):
        return _usage(
            "SLACK_BOT_TOKEN is missing or not a bot token (xoxb-...): set it in the environment or in .env, "
            "from your Slack app's 'OAuth & Permissions' page"
        )
    base_url = (os.environ.get("SLACK_API_URL") or "").strip() or SLACK_API_DEFAULT
    gateway = SlackGateway(token, base_url if base_url.endswith("/") else base_url + "/")
    asked = [args.language] if args.language else None  # None: the person's, as Slack tells it
    return check(RealSlack(gateway), user_id, asked, today, sys.stdout)
