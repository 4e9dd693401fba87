"""Slack's Block Kit rules, as the Web API enforces them: the one place the fake Slack learns what to refuse.

Each rule comes from Slack's reference for blocks, block elements, composition objects and views
(docs.slack.dev/reference/block-kit). A check returns the offences as "path: what is wrong", with the
path written as in the payload (`blocks[2].elements[1].text.text`), so a refused payload names its fault.
The numbers are Slack's published limits; `MESSAGE_TEXT_BUDGET` is the fake's stand-in for the total text
Slack accepts in one message's blocks (undocumented; about 12,000 characters is where it answers
`msg_blocks_too_long`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

Surface = Literal["message", "modal", "home"]

MAX_BLOCKS = {"message": 50, "modal": 100, "home": 100}
MESSAGE_TEXT_BUDGET = 12_000
MAX_ID = 255

SECTION_TEXT = 3000
SECTION_FIELDS = 10
SECTION_FIELD_TEXT = 2000
HEADER_TEXT = 150
CONTEXT_ELEMENTS = 10
ACTIONS_ELEMENTS = 25
INPUT_LABEL = 2000
INPUT_HINT = 2000
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
URL = 3000
OPTION_TEXT = 75
OPTION_VALUE = 150
OPTION_DESCRIPTION = 75
SELECT_OPTIONS = 100
OVERFLOW_OPTIONS = 5
CHOICE_OPTIONS = 10
PLACEHOLDER = 150
CONFIRM_TITLE = 100
CONFIRM_TEXT = 300
CONFIRM_BUTTON = 30
TEXT_INPUT_MAX = 3000
VIEW_TITLE = 24
VIEW_BUTTON = 24
PRIVATE_METADATA = 3000
TEXT_OBJECT = 3000

_TIME = re.compile(r"\A([01]\d|2[0-3]):[0-5]\d\Z")
_DATE = re.compile(r"\A\d{4}-\d{2}-\d{2}\Z")
MESSAGE_TEXT = 40_000  # a message's top-level text; past it Slack answers msg_too_long

# Which elements may stand where (Slack's "Compatible blocks" of each element).
_INTERACTIVE = frozenset(
    {
        "button",
        "static_select",
        "multi_static_select",
        "overflow",
        "datepicker",
        "timepicker",
        "checkboxes",
        "radio_buttons",
        "users_select",
        "multi_users_select",
    }
)
_IN_ACTIONS = _INTERACTIVE
_IN_SECTION = _INTERACTIVE | {"image"}
_IN_INPUT = (_INTERACTIVE - {"button", "overflow"}) | {"plain_text_input"}


@dataclass
class Offences:
    """What a payload breaks: invalid_blocks (per path) or msg_blocks_too_long."""

    paths: list[str] = field(default_factory=list)
    too_long: bool = False

    def add(self, path: str, problem: str) -> None:
        self.paths.append(f"{path}: {problem}")

    @property
    def error(self) -> str | None:
        if self.paths:
            return "invalid_blocks"
        return "msg_blocks_too_long" if self.too_long else None


# -- entry points ------------------------------------------------------------------------------------------


def check_message(payload: dict[str, Any]) -> Offences:
    """A message as sent to chat.postMessage / chat.update / chat.postEphemeral, a response_url or an ack."""
    found = Offences()
    blocks = payload.get("blocks")
    if blocks is None:
        return found
    if not isinstance(blocks, list):
        found.add("blocks", "must be an array")
        return found
    _blocks(found, blocks, "blocks", "message")
    if not found.paths and text_size(blocks) > MESSAGE_TEXT_BUDGET:
        found.too_long = True
    return found


def check_view(view: Any, *, path: str = "view") -> Offences:
    found = Offences()
    if not isinstance(view, dict):
        found.add(path, "must be an object")
        return found
    kind = view.get("type")
    if kind not in ("modal", "home"):
        found.add(f"{path}.type", f"must be 'modal' or 'home', not {kind!r}")
        return found
    blocks = view.get("blocks")
    if not isinstance(blocks, list):
        found.add(f"{path}.blocks", "is required and must be an array")
        return found
    _blocks(found, blocks, f"{path}.blocks", kind)
    _limit(found, view.get("private_metadata"), PRIVATE_METADATA, f"{path}.private_metadata", allow_empty=True)
    for name in ("callback_id", "external_id"):
        _limit(found, view.get(name), MAX_ID, f"{path}.{name}", allow_empty=True)
    if kind == "modal":
        if "title" not in view:
            found.add(f"{path}.title", "is required for a modal")
        else:
            _text(found, view["title"], f"{path}.title", VIEW_TITLE, plain_only=True)
        for name in ("submit", "close"):
            if name in view:
                _text(found, view[name], f"{path}.{name}", VIEW_BUTTON, plain_only=True)
        if "submit" not in view and any(isinstance(b, dict) and b.get("type") == "input" for b in blocks):
            found.add(f"{path}.submit", "is required when the modal has input blocks")
    return found


def describe(found: Offences) -> list[str]:
    if found.paths:
        return list(found.paths)
    if found.too_long:
        return [f"blocks: more than {MESSAGE_TEXT_BUDGET} characters of text in one message"]
    return []


def _objects(found: Offences, items: list[Any], path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """The items of a list that are objects, each with its path; any other item is an offence."""
    for index, item in enumerate(items):
        at = f"{path}[{index}]"
        if isinstance(item, dict):
            yield at, item
        else:
            found.add(at, "must be an object")


# -- blocks ------------------------------------------------------------------------------------------------


def _blocks(found: Offences, blocks: list[Any], path: str, surface: Surface) -> None:
    if len(blocks) > MAX_BLOCKS[surface]:
        found.add(path, f"{len(blocks)} blocks, more than the {MAX_BLOCKS[surface]} a {surface} may hold")
    seen_ids: set[str] = set()
    for at, block in _objects(found, blocks, path):
        block_id = block.get("block_id")
        if block_id is not None:
            _limit(found, block_id, MAX_ID, f"{at}.block_id")
            if not isinstance(block_id, str):
                continue
            if block_id in seen_ids:
                found.add(f"{at}.block_id", f"duplicate block_id {block_id!r}")
            seen_ids.add(block_id)
        checker = _BLOCKS.get(str(block.get("type")))
        if checker is None:
            found.add(f"{at}.type", f"unknown block type {block.get('type')!r}")
            continue
        checker(found, block, at, surface)


def _section(found: Offences, block: dict[str, Any], at: str, surface: Surface) -> None:
    text, fields = block.get("text"), block.get("fields")
    if text is None and not fields:
        found.add(at, "a section needs text or fields")
    if text is not None:
        _text(found, text, f"{at}.text", SECTION_TEXT)
    if fields is not None:
        if not isinstance(fields, list) or len(fields) > SECTION_FIELDS:
            found.add(f"{at}.fields", f"at most {SECTION_FIELDS} fields")
        else:
            for i, item in enumerate(fields):
                _text(found, item, f"{at}.fields[{i}]", SECTION_FIELD_TEXT)
    if "accessory" in block:
        _element(found, block["accessory"], f"{at}.accessory", surface, _IN_SECTION)


def _header(found: Offences, block: dict[str, Any], at: str, surface: Surface) -> None:
    _text(found, block.get("text"), f"{at}.text", HEADER_TEXT, plain_only=True)


def _divider(found: Offences, block: dict[str, Any], at: str, surface: Surface) -> None:
    return None


def _elements(found: Offences, block: dict[str, Any], at: str, what: str, limit: int) -> list[Any]:
    """A block's elements: at least one, at most `limit`."""
    elements = block.get("elements")
    if not isinstance(elements, list) or not elements:
        found.add(f"{at}.elements", f"{what} needs at least one element")
        return []
    if len(elements) > limit:
        found.add(f"{at}.elements", f"{len(elements)} elements, more than {limit}")
    return elements


def _context(found: Offences, block: dict[str, Any], at: str, surface: Surface) -> None:
    elements = _elements(found, block, at, "a context", CONTEXT_ELEMENTS)
    for i, element in enumerate(elements):
        if isinstance(element, dict) and element.get("type") == "image":
            _image(found, element, f"{at}.elements[{i}]")
        else:
            _text(found, element, f"{at}.elements[{i}]", TEXT_OBJECT)


def _actions(found: Offences, block: dict[str, Any], at: str, surface: Surface) -> None:
    elements = _elements(found, block, at, "an actions block", ACTIONS_ELEMENTS)
    seen: set[str] = set()
    for i, element in enumerate(elements):
        _element(found, element, f"{at}.elements[{i}]", surface, _IN_ACTIONS)
        action_id = element.get("action_id") if isinstance(element, dict) else None
        if action_id is None:
            continue
        if action_id in seen:
            found.add(f"{at}.elements[{i}]", f"duplicate action_id {action_id!r}")
        seen.add(action_id)


def _input(found: Offences, block: dict[str, Any], at: str, surface: Surface) -> None:
    _text(found, block.get("label"), f"{at}.label", INPUT_LABEL, plain_only=True)
    if "hint" in block:
        _text(found, block["hint"], f"{at}.hint", INPUT_HINT, plain_only=True)
    if "element" not in block:
        found.add(f"{at}.element", "an input block needs an element")
    else:
        _element(found, block["element"], f"{at}.element", surface, _IN_INPUT)


def _image_block(found: Offences, block: dict[str, Any], at: str, surface: Surface) -> None:
    _image(found, block, at)
    if "title" in block:
        _text(found, block["title"], f"{at}.title", 2000, plain_only=True)


_BLOCKS = {
    "section": _section,
    "header": _header,
    "divider": _divider,
    "context": _context,
    "actions": _actions,
    "input": _input,
    "image": _image_block,
}


# -- elements ----------------------------------------------------------------------------------------------


def _element(found: Offences, element: Any, at: str, surface: Surface, allowed: frozenset[str]) -> None:
    if not isinstance(element, dict):
        found.add(at, "must be an object")
        return
    kind = element.get("type")
    checker = _ELEMENTS.get(str(kind))
    if checker is None:
        found.add(f"{at}.type", f"unknown element type {kind!r}")
        return
    if kind not in allowed:
        found.add(f"{at}.type", f"a {kind} element cannot stand here")
        return
    if "action_id" in element:
        _limit(found, element["action_id"], MAX_ID, f"{at}.action_id")
    if "placeholder" in element:
        _text(found, element["placeholder"], f"{at}.placeholder", PLACEHOLDER, plain_only=True)
    if "confirm" in element:
        _confirm(found, element["confirm"], f"{at}.confirm")
    checker(found, element, at)


def _button(found: Offences, element: dict[str, Any], at: str) -> None:
    _text(found, element.get("text"), f"{at}.text", BUTTON_TEXT, plain_only=True)
    _limit(found, element.get("value"), BUTTON_VALUE, f"{at}.value", allow_empty=True)
    _limit(found, element.get("url"), URL, f"{at}.url", allow_empty=True)
    style = element.get("style")
    if style is not None and style not in ("primary", "danger"):
        found.add(f"{at}.style", f"must be 'primary' or 'danger', not {style!r}")


def _static_select(found: Offences, element: dict[str, Any], at: str) -> None:
    _initial_among(found, element, at, _options(found, element, at, SELECT_OPTIONS, plain_only=True, groups=True))


def _overflow(found: Offences, element: dict[str, Any], at: str) -> None:
    _options(found, element, at, OVERFLOW_OPTIONS, plain_only=True)


def _choices(found: Offences, element: dict[str, Any], at: str) -> None:
    _initial_among(found, element, at, _options(found, element, at, CHOICE_OPTIONS, plain_only=False))


def _initial_among(found: Offences, element: dict[str, Any], at: str, options: list[dict[str, Any]]) -> None:
    """initial_option(s) must be among the element's options, text and value alike."""
    initial = element.get("initial_option")
    if initial is not None and not any(_same_option(initial, option) for option in options):
        found.add(f"{at}.initial_option", "must be one of the options")
    for i, option in enumerate(element.get("initial_options") or []):
        if not any(_same_option(option, candidate) for candidate in options):
            found.add(f"{at}.initial_options[{i}]", "must be one of the options")


def _datepicker(found: Offences, element: dict[str, Any], at: str) -> None:
    initial = element.get("initial_date")
    if initial is None:
        return
    try:
        ok = isinstance(initial, str) and bool(_DATE.match(initial)) and date.fromisoformat(initial) is not None
    except ValueError:
        ok = False
    if not ok:
        found.add(f"{at}.initial_date", f"must be a date as YYYY-MM-DD, not {initial!r}")


def _timepicker(found: Offences, element: dict[str, Any], at: str) -> None:
    initial = element.get("initial_time")
    if initial is not None and not (isinstance(initial, str) and _TIME.match(initial)):
        found.add(f"{at}.initial_time", f"must be a time as HH:mm, not {initial!r}")


def _text_input(found: Offences, element: dict[str, Any], at: str) -> None:
    maximum = element.get("max_length", TEXT_INPUT_MAX)
    if not isinstance(maximum, int) or not 1 <= maximum <= TEXT_INPUT_MAX:
        found.add(f"{at}.max_length", f"must be between 1 and {TEXT_INPUT_MAX}")
        maximum = TEXT_INPUT_MAX
    minimum = element.get("min_length", 0)
    if not isinstance(minimum, int) or not 0 <= minimum <= TEXT_INPUT_MAX:
        found.add(f"{at}.min_length", f"must be between 0 and {TEXT_INPUT_MAX}")
    _limit(found, element.get("initial_value"), maximum, f"{at}.initial_value", allow_empty=True)


def _users_select(found: Offences, element: dict[str, Any], at: str) -> None:
    initial = element.get("initial_user")
    if initial is not None and not _is_user_id(initial):
        found.add(f"{at}.initial_user", f"must be a user id, not {initial!r}")


def _multi_users_select(found: Offences, element: dict[str, Any], at: str) -> None:
    for i, user in enumerate(element.get("initial_users") or []):
        if not _is_user_id(user):
            found.add(f"{at}.initial_users[{i}]", f"must be a user id, not {user!r}")


def _image_element(found: Offences, element: dict[str, Any], at: str) -> None:
    _image(found, element, at)


_ELEMENTS = {
    "button": _button,
    "static_select": _static_select,
    "multi_static_select": _static_select,
    "overflow": _overflow,
    "checkboxes": _choices,
    "radio_buttons": _choices,
    "datepicker": _datepicker,
    "timepicker": _timepicker,
    "plain_text_input": _text_input,
    "users_select": _users_select,
    "multi_users_select": _multi_users_select,
    "image": _image_element,
}


# -- composition objects -----------------------------------------------------------------------------------


def _text(found: Offences, obj: Any, at: str, limit: int, *, plain_only: bool = False) -> None:
    if not isinstance(obj, dict):
        found.add(at, "must be a text object")
        return
    kind = obj.get("type")
    if kind not in ("plain_text", "mrkdwn"):
        found.add(f"{at}.type", f"must be 'plain_text' or 'mrkdwn', not {kind!r}")
        return
    if plain_only and kind != "plain_text":
        found.add(f"{at}.type", "must be plain_text here, not mrkdwn")
    if kind == "mrkdwn" and "emoji" in obj:
        found.add(f"{at}.emoji", "only a plain_text object takes emoji")
    _limit(found, obj.get("text"), limit, f"{at}.text")


def _options(
    found: Offences, element: dict[str, Any], at: str, limit: int, *, plain_only: bool, groups: bool = False
) -> list[dict[str, Any]]:
    options = element.get("options")
    collected: list[dict[str, Any]] = []
    if groups and options is None and isinstance(element.get("option_groups"), list):
        for g, group in enumerate(element["option_groups"]):
            _text(found, group.get("label"), f"{at}.option_groups[{g}].label", OPTION_TEXT, plain_only=True)
            collected.extend(_option_list(found, group.get("options"), f"{at}.option_groups[{g}]", limit, plain_only))
        return collected
    return _option_list(found, options, at, limit, plain_only)


def _option_list(found: Offences, options: Any, at: str, limit: int, plain_only: bool) -> list[dict[str, Any]]:
    if not isinstance(options, list) or not options:
        found.add(f"{at}.options", "at least one option is required")
        return []
    if len(options) > limit:
        found.add(f"{at}.options", f"{len(options)} options, more than {limit}")
    values: set[str] = set()
    for path, option in _objects(found, options, f"{at}.options"):
        _text(found, option.get("text"), f"{path}.text", OPTION_TEXT, plain_only=plain_only)
        _limit(found, option.get("value"), OPTION_VALUE, f"{path}.value")
        if "description" in option:
            _text(found, option["description"], f"{path}.description", OPTION_DESCRIPTION, plain_only=plain_only)
        value = option.get("value")
        if isinstance(value, str):
            if value in values:
                found.add(f"{path}.value", f"duplicate option value {value!r}")
            values.add(value)
    return [o for o in options if isinstance(o, dict)]


def _confirm(found: Offences, obj: Any, at: str) -> None:
    if not isinstance(obj, dict):
        found.add(at, "must be a confirmation object")
        return
    _text(found, obj.get("title"), f"{at}.title", CONFIRM_TITLE, plain_only=True)
    _text(found, obj.get("text"), f"{at}.text", CONFIRM_TEXT)
    _text(found, obj.get("confirm"), f"{at}.confirm", CONFIRM_BUTTON, plain_only=True)
    _text(found, obj.get("deny"), f"{at}.deny", CONFIRM_BUTTON, plain_only=True)


def _image(found: Offences, obj: dict[str, Any], at: str) -> None:
    _limit(found, obj.get("image_url"), URL, f"{at}.image_url")
    _limit(found, obj.get("alt_text"), 2000, f"{at}.alt_text")


def _limit(found: Offences, value: Any, limit: int, at: str, *, allow_empty: bool = False) -> None:
    if value is None:
        if not allow_empty:
            found.add(at, "is required")
        return
    if not isinstance(value, str):
        found.add(at, "must be a string")
        return
    elif not value and not allow_empty:
        found.add(at, "must be more than 0 characters")
    elif len(value) > limit:
        found.add(at, f"{len(value)} characters, more than {limit}")


def _same_option(one: Any, other: dict[str, Any]) -> bool:
    return isinstance(one, dict) and one.get("value") == other.get("value") and one.get("text") == other.get("text")


def _is_user_id(value: Any) -> bool:
    return isinstance(value, str) and value[:1] in ("U", "W") and value[1:].isalnum()


def text_size(value: Any) -> int:
    """All text a message's blocks (or one block) carry, the measure behind msg_blocks_too_long."""
    if isinstance(value, list):
        return sum(text_size(item) for item in value)
    if isinstance(value, dict):
        own = len(value["text"]) if isinstance(value.get("text"), str) else 0
        return own + sum(text_size(v) for k, v in value.items() if k != "text" or not isinstance(v, str))
    return 0
