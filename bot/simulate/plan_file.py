"""Reading a `--plan` file (YAML or CSV) into a Plan, with errors that name the line and the problem.

See examples/plan.yml and examples/plan.csv for the format; the README documents every field.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Callable
from dataclasses import replace
from datetime import time
from pathlib import Path
from typing import Any

import yaml

from bot.services import actions as action_service
from bot.services import personal_settings as ps
from bot.simulate.plan import BEHAVIOURS, PRIVACY, ROLES, Plan, PlannedAction, PlannedPerson
from config.languages import LANGUAGES
from models.action import KINDS

MAX_PEOPLE = 50
DEFAULT_HOURS = (time(9, 0), time(17, 30))  # a person's working hours until they set their own
MAX_DUE_DAYS = 365
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PERSON_FIELDS = ("name", "role", "answers", "language", "hours", "days", "checkin", "country", "away")
ACTION_FIELDS = ("title", "kind", "week", "due", "contacts", "opening", "voicemail", "repeat")
TEAM_FIELDS = ("name", "channel", "privacy", "digest")
_DUE = re.compile(r"(?P<day>[a-z]+)\s*(?:\+\s*(?P<weeks>\d+))?")


class PlanError(Exception):
    """A plan file that cannot be played; str() names the file, the line and the problem."""

    def __init__(self, source: str, line: int | None, problem: str):
        where = f"{source}, line {line}" if line else source
        super().__init__(f"{where}: {problem}")
        self.line = line
        self.problem = problem


class FieldError(ValueError):
    pass


# -- values ----------------------------------------------------------------------------------------


def _text(value: Any, name: str, limit: int = 300, required: bool = False, lines: bool = False) -> str | None:
    """Text as typed; one line (spaces squeezed) unless `lines` (an opening line may have several)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise FieldError(f"{name} is missing")
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise FieldError(f"{name} must be text, got {value!r}")
    text = str(value).strip() if lines else " ".join(str(value).split())
    if len(text) > limit:
        raise FieldError(f"{name} is longer than {limit} characters")
    return text


def _choice(value: Any, name: str, options: tuple[str, ...]) -> str | None:
    text = _text(value, name)
    if text is None:
        return None
    key = text.lower().replace("-", "_").replace(" ", "_")
    if key not in options:
        close = difflib.get_close_matches(key, options, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise FieldError(f"{name} {text!r} is not one of {', '.join(options)}{hint}")
    return key


def _number(value: Any, name: str, low: int, high: int) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not (isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit())):
        raise FieldError(f"{name} must be a whole number from {low} to {high}, got {value!r}")
    number = int(value)
    if not low <= number <= high:
        raise FieldError(f"{name} must be a whole number from {low} to {high}, got {number}")
    return number


def _due(value: Any) -> int | None:
    """'thu' (that week's Thursday), 'fri+1' (Friday a week later), or a number of days after the Monday."""
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value)
    elif isinstance(value, str) and (match := _DUE.fullmatch(value.strip().lower())):
        weekday = _weekday(match["day"])
        if weekday is None:
            raise FieldError(_due_hint(value))
        number = weekday + 7 * int(match["weeks"] or 0)
    else:
        raise FieldError(_due_hint(value))
    if not 0 <= number <= MAX_DUE_DAYS:
        raise FieldError(f"due must lie 0 to {MAX_DUE_DAYS} days after the week's Monday, got {number}")
    return number


def _weekday(word: str) -> int | None:
    """One day name, English or Dutch ("thu", "donderdag"), as datetime.weekday(); None otherwise."""
    try:
        days = ps.parse_days(word)
    except ps.SettingError:
        return None
    return next(iter(days)) if len(days) == 1 else None


def _due_hint(value: Any) -> str:
    return (
        f"due {value!r} is not a day: use a weekday of the action's week (mon ... sun, ma ... zo), "
        "a weekday of a later week (fri+1), or a number of days after that Monday (9)"
    )


def _time(value: Any, name: str) -> time | None:
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        return time(value // 60, value % 60)  # YAML 1.1 reads an unquoted 16:00 as 960 (base 60)
    try:
        return ps.parse_time(str(value))
    except ps.SettingError:
        raise FieldError(f"{name} {value!r} is not a time: use HH:MM, such as 16:00") from None


def _hours(value: Any) -> tuple[time, time] | None:
    if value is None or value == "":
        return None
    try:
        return ps.parse_hours(str(value))
    except ps.SettingError as error:
        if error.code == "hours_order":
            raise FieldError(f"hours {value!r} end before they start") from None
        raise FieldError(f"hours {value!r} are not a range: use HH:MM-HH:MM, such as 09:00-17:30") from None


def _days(value: Any) -> frozenset[int] | None:
    if value is None or value == "":
        return None
    try:
        return ps.parse_days(str(value))
    except ps.SettingError:
        raise FieldError(f"days {value!r} are not working days: use mon-fri, mon,wed,fri or ma-do") from None


def _country(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):  # YAML 1.1 reads an unquoted NO (Norway) as false
        raise FieldError('country must be a two-letter code; put it in quotes, such as "NO"')
    try:
        return ps.parse_country(str(value))
    except ps.SettingError:
        raise FieldError(f"country {value!r} is not a country code the holiday calendar knows, such as NL") from None


def _list(value: Any, name: str, separator: str) -> list[Any]:
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [part.strip() for part in value.split(separator) if part.strip()]
    return [value]


def _away(value: Any) -> tuple[int, ...]:
    weeks = [_number(v, "away", 1, 520) for v in _list(value, "away", ";")]
    return tuple(sorted({w for w in weeks if w is not None}))


def _contacts(value: Any) -> tuple[str, ...]:
    names = [_text(v, "contacts", action_service.NAME_LIMIT) for v in _list(value, "contacts", ";")]
    return tuple(n for n in names if n)


def _digest(value: Any) -> tuple[int, time] | None:
    if value is None or value == "":
        return None
    parts = str(value).split()
    day = _weekday(parts[0]) if len(parts) == 2 else None
    try:
        at = ps.parse_time(parts[1]) if day is not None else None
    except ps.SettingError:
        at = None
    if day is None or at is None:
        raise FieldError(f"digest {value!r} is not a day and time: use a weekday and HH:MM, such as mon 09:00")
    return day, at


# -- records ---------------------------------------------------------------------------------------


def _unknown(fields: _Mapping, allowed: tuple[str, ...], what: str) -> None:
    for key in fields:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f"; known fields: {', '.join(allowed)}"
            raise _Located(fields.lines.get(key, fields.line), f"unknown {what} field {key!r}{hint}")


def _reader(fields: dict[str, Any], line_of: Callable[[str], int]) -> Callable[[str, Callable[[Any], Any]], Any]:
    """field(name, parse): the parsed value of one field, or an error at that field's line."""

    def field(name: str, parse: Callable[[Any], Any]) -> Any:
        try:
            return parse(fields.get(name))
        except FieldError as error:
            raise _Located(line_of(name), str(error)) from None

    return field


def _action(fields: dict[str, Any], line_of: Callable[[str], int]) -> PlannedAction:
    field = _reader(fields, line_of)
    return PlannedAction(
        title=field("title", lambda v: _text(v, "title", action_service.TITLE_LIMIT, required=True)),
        kind=field("kind", lambda v: _choice(v, "kind", KINDS)) or "other",
        week=field("week", lambda v: _number(v, "week", 1, 520)) or 1,
        due_days=_required(field("due", _due), line_of("title"), "due"),
        contacts=field("contacts", _contacts),
        opening=field("opening", lambda v: _text(v, "opening", action_service.TEXT_LIMIT, lines=True)),
        voicemail=field("voicemail", lambda v: _text(v, "voicemail", action_service.TEXT_LIMIT, lines=True)),
        repeat=field("repeat", lambda v: _number(v, "repeat", 1, 52)),
        line=line_of("title"),
    )


def _required(value: int | None, line: int, name: str) -> int:
    if value is None:
        raise _Located(line, f"{name} is missing")
    return value


def _person(fields: dict[str, Any], line_of: Callable[[str], int]) -> PlannedPerson:
    field = _reader(fields, line_of)
    return PlannedPerson(
        name=field("name", lambda v: _text(v, "name", 80, required=True)),
        role=field("role", lambda v: _choice(v, "role", ROLES)) or "member",
        answers=field("answers", lambda v: _choice(v, "answers", BEHAVIOURS)) or "on_time",
        language=field("language", lambda v: _choice(v, "language", LANGUAGES)),
        hours=field("hours", _hours),
        days=field("days", _days),
        checkin=field("checkin", lambda v: _time(v, "checkin")),
        country=field("country", _country),
        away=field("away", _away),
        line=line_of("name"),
    )


class _Located(Exception):
    def __init__(self, line: int | None, problem: str):
        super().__init__(problem)
        self.line = line
        self.problem = problem


def _check(plan: Plan) -> Plan:
    seen: dict[str, int | None] = {}
    for person in plan.people:
        key = person.name.lower()
        if key in seen:
            raise _Located(person.line, f"{person.name!r} appears twice (first on line {seen[key]})")
        seen[key] = person.line
        start, end = person.hours or (DEFAULT_HOURS[0], DEFAULT_HOURS[1])
        if person.checkin and not start <= person.checkin <= end:
            hours = f"{start.strftime('%H:%M')}-{end.strftime('%H:%M')}"
            raise _Located(
                person.line,
                f"{person.name}: check-in {person.checkin.strftime('%H:%M')} lies outside "
                f"their working hours ({hours})",
            )
    if not plan.people:
        raise _Located(None, "the plan has no people")
    if len(plan.people) > MAX_PEOPLE:
        raise _Located(None, f"the plan has {len(plan.people)} people; the simulator plays at most {MAX_PEOPLE}")
    if not plan.members:
        raise _Located(None, "the plan has no members (role: member), so nobody gets messages")
    return plan


# -- YAML ------------------------------------------------------------------------------------------


class _Mapping(dict):  # type: ignore[type-arg]
    """A YAML mapping that remembers on which line each key stands."""

    line: int = 0
    lines: dict[str, int]


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> _Mapping:
    loader.flatten_mapping(node)
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    mapping.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str):
            raise _Located(line, f"field names are text, got {key!r}")
        key = key.strip().lower()
        if key in mapping:
            raise _Located(line, f"field {key!r} is given twice (also on line {mapping.lines[key]})")
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.lines[key] = line
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _line_of(mapping: _Mapping) -> Callable[[str], int]:
    return lambda name: mapping.lines.get(name, mapping.line)


def _on_line(line: int) -> Callable[[str], int]:
    """A CSV row's line_of: every field is on the row's line."""
    return lambda _name: line


def _from_yaml(text: str) -> Plan:
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise _Located(mark.line + 1 if mark else None, f"not valid YAML: {error.problem or error}") from None
    except yaml.YAMLError as error:
        raise _Located(None, f"not valid YAML: {error}") from None
    if not isinstance(data, _Mapping):
        raise _Located(1, "the plan must be a mapping with `people:` (and optionally `team:`)")
    _unknown(data, ("team", "people"), "top-level")
    plan = Plan(source="")
    team = data.get("team")
    if team is not None:
        if not isinstance(team, _Mapping):
            raise _Located(data.lines["team"], "team must be a mapping with name, channel, privacy and digest")
        _unknown(team, TEAM_FIELDS, "team")
        plan = _team(plan, team, _line_of(team))
    people = data.get("people")
    if not isinstance(people, list):
        raise _Located(data.lines.get("people", 1), "people must be a list: one `- name: ...` entry per person")
    found = []
    for entry in people:
        if not isinstance(entry, _Mapping):
            raise _Located(data.lines["people"], f"each person is a mapping with at least a name, got {entry!r}")
        _unknown(entry, (*PERSON_FIELDS, "actions"), "person")
        person = _person(entry, _line_of(entry))
        listed = entry.get("actions") or []
        if not isinstance(listed, list):
            raise _Located(entry.lines["actions"], "actions must be a list: one `- title: ...` entry per action")
        planned = []
        for item in listed:
            if not isinstance(item, _Mapping):
                raise _Located(entry.lines["actions"], f"each action is a mapping with title and due, got {item!r}")
            _unknown(item, ACTION_FIELDS, "action")
            planned.append(_action(item, _line_of(item)))
        found.append(replace(person, actions=tuple(planned)))
    return replace(plan, people=tuple(found))


def _team(plan: Plan, team: dict[str, Any], line_of: Callable[[str], int]) -> Plan:
    field = _reader(team, line_of)
    name = field("name", lambda v: _text(v, "team name", 80)) or plan.team
    channel = field("channel", _channel) or plan.channel
    privacy = field("privacy", lambda v: _choice(v, "privacy", PRIVACY)) or plan.privacy
    day, at = field("digest", _digest) or (plan.digest_day, plan.digest_time)
    return replace(plan, team=name, channel=channel, privacy=privacy, digest_day=day, digest_time=at)


def _channel(value: Any) -> str | None:
    text = _text(value, "channel", 80)
    if text is None:
        return None
    channel = text.lstrip("#")
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", channel):
        raise FieldError(f"channel {text!r} is not a Slack channel name: lowercase letters, digits, - and _")
    return channel


# -- CSV -------------------------------------------------------------------------------------------


def _from_csv(text: str) -> Plan:
    reader = csv.reader(io.StringIO(text), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise _Located(None, "the file is empty: the first line names the columns") from None
    except csv.Error as error:
        raise _Located(1, f"not valid CSV: {error}") from None
    columns = [c.strip().lower() for c in header]
    known = (*PERSON_FIELDS, *ACTION_FIELDS)
    for column in columns:
        if column and column not in known:
            close = difflib.get_close_matches(column, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f"; known columns: {', '.join(known)}"
            raise _Located(1, f"unknown column {column!r}{hint}")
    if "name" not in columns:
        raise _Located(1, "the first line must name the columns, with at least name, title, week and due")
    people: dict[str, tuple[dict[str, Any], int]] = {}
    planned: dict[str, list[PlannedAction]] = {}
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            raise _Located(line, f"not valid CSV: {error}") from None
        this_line, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in row) or row[0].lstrip().startswith("#"):
            continue
        if len(row) > len(columns):
            raise _Located(this_line, f"{len(row)} cells, but the first line names {len(columns)} columns")
        fields = {c: v.strip() for c, v in zip(columns, row, strict=False) if c and v.strip()}
        name = fields.get("name")
        if not name:
            raise _Located(this_line, "name is missing: every row names the person it is about")
        key = " ".join(name.split()).lower()
        own = {k: v for k, v in fields.items() if k in PERSON_FIELDS}
        if key in people:
            first, first_line = people[key]
            for column, value in own.items():
                if column in first and first[column] != value:
                    raise _Located(
                        this_line,
                        f"{column} {value!r} differs from {first[column]!r} on line {first_line} for {name}",
                    )
                first.setdefault(column, value)
        else:
            people[key] = (own, this_line)
            planned[key] = []
        if any(k in fields for k in ACTION_FIELDS):
            planned[key].append(_action(fields, _on_line(this_line)))
    found = []
    for key, (fields, first_line) in people.items():
        person = _person(fields, _on_line(first_line))
        found.append(replace(person, actions=tuple(planned[key])))
    return Plan(people=tuple(found), source="")


# -- entry point -----------------------------------------------------------------------------------


def load_plan(path: Path) -> Plan:
    """Read and check a plan file. Raises PlanError naming the line and the problem."""
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise PlanError(source, None, "no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise PlanError(source, None, f"cannot be read: {error}") from None
    suffix = path.suffix.lower()
    if suffix not in (".yml", ".yaml", ".csv"):
        raise PlanError(source, None, "a plan file ends in .yml, .yaml or .csv")
    try:
        plan = _from_csv(text) if suffix == ".csv" else _from_yaml(text)
        return replace(_check(plan), source=source)
    except _Located as error:
        raise PlanError(source, error.line, error.problem) from None
