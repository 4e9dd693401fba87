"""The action form (modal) and the small modals around it: outcome, decline, appointment date."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    CheckboxesElement,
    DatePickerElement,
    InputBlock,
    Option,
    PlainTextInputElement,
    PlainTextObject,
    StaticSelectElement,
    UserMultiSelectElement,
    UserSelectElement,
)
from slack_sdk.models.views import View

from bot.messages.blocks import MAX_VIEW_BLOCKS, actions, button, section
from bot.messages.catalogue import Catalogue, escape
from bot.messages.ids import (
    BOOKED_CALLBACK,
    DECLINE_CALLBACK,
    FORM_CALLBACK,
    FORM_KIND,
    FORM_STARTER,
    OUTCOME_CALLBACK,
    REVIEW_AGREE_CALLBACK,
    member,
)
from models.action import KINDS, OUTCOMES

REPEAT_CHOICES = (1, 2, 4, 6, 8, 12, 26)
STARTER_KINDS = ("aftercare", "top_client", "buying_signal")
TITLE_MAX = 300
TEXT_MAX = 2000


@dataclass
class FormState:
    """Everything the form shows; also what a submission is read back into."""

    mode: str = "new"  # new | edit | adjust
    action_id: int | None = None
    title: str = ""
    contacts: str = ""
    contact_user_ids: list[str] = field(default_factory=list)
    owner_user_id: str | None = None
    kind: str = "other"
    due: date | None = None
    opening_line: str | None = None
    voicemail_plan: str | None = None
    repeat_weeks: int | None = None
    notes: str | None = None
    tips: list[str] = field(default_factory=list)  # coaching lines, already escaped
    show_override: bool = False
    show_owner: bool = True
    origin: dict[str, str] = field(default_factory=dict)  # where to answer after the submit
    # A manager and this member agree the action together (from the review): theirs at once, no proposal.
    agreed_with: str | None = None

    def metadata(self) -> str:
        together = {"agreed_with": self.agreed_with} if self.agreed_with else {}
        return json.dumps(
            {
                "mode": self.mode,
                "action_id": self.action_id,
                "kind": self.kind,
                "override": self.show_override,
                "origin": self.origin,
                **together,
            }
        )


def suggestion(cat: Catalogue, what: str, kind: str, formality: str = "je") -> str:
    """A suggested opening line or voicemail plan; an opening line to a client in the formal address
    ("u") when the person or their team chose it (the voicemail plan speaks to the person only)."""
    if what == "opening" and formality == "u":
        return cat.t(f"suggest.opening_formal.{kind}", topic=cat.t("suggest.topic_formal"))
    return cat.t(f"suggest.{what}.{kind}", topic=cat.t("suggest.topic"))


# A starter's first due date and rhythm: soon enough to stay concrete.
STARTER_DUE_DAYS = {"aftercare": 14, "top_client": 28, "buying_signal": 3}


def starter_state(cat: Catalogue, kind: str, today: date, formality: str = "je") -> FormState:
    kind = kind if kind in STARTER_KINDS else "top_client"
    return FormState(
        title=cat.t(f"starter.{kind}_title"),
        kind=kind,
        due=today + timedelta(days=STARTER_DUE_DAYS[kind]),
        opening_line=suggestion(cat, "opening", kind, formality),
        voicemail_plan=suggestion(cat, "voicemail", kind),
        repeat_weeks=6 if kind == "top_client" else None,
    )


def starter_buttons(cat: Catalogue, group: str) -> Block:
    return actions(
        *(button(cat.t(f"starter.{kind}_button"), member(group, kind), kind) for kind in STARTER_KINDS),
        block_id="starters",
    )


def _text_input(
    block_id: str,
    label: str,
    action_id: str,
    initial: str | None,
    *,
    multiline: bool = False,
    optional: bool = True,
    hint: str | None = None,
    placeholder: str | None = None,
    max_length: int = TEXT_MAX,
) -> InputBlock:
    return InputBlock(
        block_id=block_id,
        label=label,
        optional=optional,
        hint=hint,
        element=PlainTextInputElement(
            action_id=action_id,
            multiline=multiline,
            initial_value=(initial or None) and initial[:max_length],
            max_length=max_length,
            placeholder=placeholder,
        ),
    )


def action_form(cat: Catalogue, state: FormState) -> dict[str, Any]:
    title_key = {"edit": "form.title_edit", "adjust": "form.title_adjust"}.get(state.mode, "form.title_new")
    blocks: list[Block] = [
        *_guidance(cat, state),
        *_what_and_who(cat, state),
        *_kind_and_due(cat, state),
        *_preparation(cat, state),
        _repeat(cat, state),
        _text_input("notes", cat.t("form.label_notes"), "value", state.notes, multiline=True),
    ]
    assert len(blocks) <= MAX_VIEW_BLOCKS
    submit = "form.submit_adjust" if state.mode == "adjust" else "form.submit"
    if state.agreed_with:  # agreed together in a review: its own callback, so it is saved as agreed
        return _modal(
            cat, REVIEW_AGREE_CALLBACK, "manager.agree_title", "manager.agree_submit", state.metadata(), blocks
        )
    return _modal(cat, FORM_CALLBACK, title_key, submit, state.metadata(), blocks)


def _guidance(cat: Catalogue, state: FormState) -> list[Block]:
    """Above the fields: the starters (a new action), the coaching tips, the box to save over the tips."""
    blocks: list[Block] = []
    if state.agreed_with:  # agreed in the review: for that member, no starters (they are talking already)
        blocks.append(section(cat.t("manager.agree_intro", member=f"<@{state.agreed_with}>")))
    elif state.mode == "new":
        blocks += [section(cat.t("starter.intro")), starter_buttons(cat, FORM_STARTER)]
    if state.tips:
        blocks.append(section(cat.t("form.coaching_header") + "\n" + "\n".join(f"• {t}" for t in state.tips)))
    if state.show_override:
        override = Option(
            text=PlainTextObject(text=cat.t("form.override_label")),
            value="yes",
            description=PlainTextObject(text=cat.t("form.override_description")),
        )
        blocks.append(
            InputBlock(
                block_id="override",
                label=cat.t("form.override_label"),
                optional=True,
                element=CheckboxesElement(action_id="value", options=[override]),
            )
        )
    return blocks


def _what_and_who(cat: Catalogue, state: FormState) -> list[Block]:
    """The title, the contacts (typed names and Slack users) and, for a manager's proposal, whose it is."""
    blocks: list[Block] = [
        _text_input(
            "title",
            cat.t("form.label_title"),
            "value",
            state.title,
            optional=False,
            placeholder=cat.t("form.placeholder_title"),
            max_length=TITLE_MAX,
        ),
        _text_input(
            "contacts",
            cat.t("form.label_contacts"),
            "value",
            state.contacts,
            hint=cat.t("form.hint_contacts"),
            max_length=600,
        ),
        InputBlock(
            block_id="contact_users",
            label=cat.t("form.label_contact_users"),
            optional=True,
            element=UserMultiSelectElement(action_id="value", initial_users=state.contact_user_ids or None),
        ),
    ]
    if state.show_owner and state.mode == "new" and not state.agreed_with:
        blocks.append(
            InputBlock(
                block_id="owner",
                label=cat.t("form.label_owner"),
                optional=True,
                hint=cat.t("form.hint_owner"),
                element=UserSelectElement(action_id="value", initial_user=state.owner_user_id),
            )
        )
    return blocks


def _kind_and_due(cat: Catalogue, state: FormState) -> list[Block]:
    kind_options = [Option(text=cat.t(f"kind.{k}"), value=k) for k in KINDS]
    kind = StaticSelectElement(
        action_id=FORM_KIND,
        options=kind_options,
        initial_option=next(o for o in kind_options if o.value == state.kind),
    )
    due = DatePickerElement(action_id="value", initial_date=state.due.isoformat() if state.due else None)
    return [
        InputBlock(block_id="kind", label=cat.t("form.label_kind"), dispatch_action=True, element=kind),
        InputBlock(block_id="due", label=cat.t("form.label_due"), element=due),
    ]


def _preparation(cat: Catalogue, state: FormState) -> list[Block]:
    """The opening line and the voicemail plan. The block ids carry the kind: a new kind gives new blocks, so
    Slack shows the new suggestions."""
    return [
        _text_input(
            f"{part}_{state.kind}",
            cat.t(f"form.label_{part}"),
            "value",
            text,
            multiline=True,
            hint=cat.t(f"form.hint_{part}"),
        )
        for part, text in (("opening", state.opening_line), ("voicemail", state.voicemail_plan))
    ]


def _repeat(cat: Catalogue, state: FormState) -> Block:
    repeat_options = [Option(text=cat.t("form.repeat_none"), value="0")] + [
        Option(text=cat.t("form.repeat_every", count=n), value=str(n)) for n in REPEAT_CHOICES
    ]
    initial_repeat = next((o for o in repeat_options if o.value == str(state.repeat_weeks or 0)), repeat_options[0])
    return InputBlock(
        block_id="repeat",
        label=cat.t("form.label_repeat"),
        optional=True,
        element=StaticSelectElement(action_id="value", options=repeat_options, initial_option=initial_repeat),
    )


def read_form(values: dict[str, dict[str, Any]], metadata: str) -> FormState:
    """The submitted form back into a FormState (no validation here)."""
    meta = json.loads(metadata or "{}")

    def value(block: str) -> Any:
        return (values.get(block) or {}).get("value") or {}

    def starting(prefix: str) -> dict[str, Any]:
        for block_id, element in values.items():
            if block_id.startswith(prefix):
                return element.get("value") or {}
        return {}

    kind_element = (values.get("kind") or {}).get(FORM_KIND) or {}
    repeat = ((value("repeat").get("selected_option") or {}).get("value")) or "0"
    due = value("due").get("selected_date")
    return FormState(
        mode=meta.get("mode", "new"),
        action_id=meta.get("action_id"),
        title=value("title").get("value") or "",
        contacts=value("contacts").get("value") or "",
        contact_user_ids=list(value("contact_users").get("selected_users") or []),
        owner_user_id=value("owner").get("selected_user") or meta.get("agreed_with"),
        kind=(kind_element.get("selected_option") or {}).get("value") or meta.get("kind") or "other",
        due=date.fromisoformat(due) if due else None,
        opening_line=starting("opening_").get("value"),
        voicemail_plan=starting("voicemail_").get("value"),
        repeat_weeks=int(repeat) or None,
        notes=value("notes").get("value"),
        show_override=bool(meta.get("override")),
        origin=meta.get("origin") or {},
        agreed_with=meta.get("agreed_with"),
    )


def override_ticked(values: dict[str, dict[str, Any]]) -> bool:
    return bool(((values.get("override") or {}).get("value") or {}).get("selected_options"))


def outcome_modal(cat: Catalogue, action_id: int, title: str, private: dict[str, Any]) -> dict[str, Any]:
    outcome_options = [Option(text=cat.t(f"outcome.{o}"), value=o) for o in OUTCOMES]
    blocks: list[Block] = [
        section(cat.t("outcome.intro", title=escape(title))),
        _text_input("note", cat.t("outcome.label_note"), "value", None, multiline=True, max_length=1000),
        InputBlock(
            block_id="outcomes",
            label=cat.t("outcome.label_outcomes"),
            optional=True,
            element=CheckboxesElement(action_id="value", options=outcome_options),
        ),
    ]
    meta = json.dumps({"action_id": action_id, **private})
    return _modal(cat, OUTCOME_CALLBACK, "outcome.title", "outcome.submit", meta, blocks)


def decline_modal(cat: Catalogue, action_id: int, title: str, private: dict[str, Any]) -> dict[str, Any]:
    blocks: list[Block] = [
        section(f"*{escape(title)}*"),
        _text_input("reason", cat.t("proposal.decline_label"), "value", None, multiline=True, max_length=1000),
    ]
    meta = json.dumps({"action_id": action_id, **private})
    return _modal(cat, DECLINE_CALLBACK, "proposal.decline_title", "proposal.decline_submit", meta, blocks)


def booked_modal(
    cat: Catalogue, action_id: int, contact_id: int, name: str, today: date, private: dict[str, Any]
) -> dict[str, Any]:
    """name: the contact as typed (by the person, or by a manager in a proposal); escaped here, once."""
    blocks: list[Block] = [
        section(cat.t("contact.line", name=escape(name), status=cat.t("contact.booked"))),
        InputBlock(
            block_id="when",
            label=cat.t("contact.booked"),
            element=DatePickerElement(action_id="value", initial_date=today.isoformat()),
        ),
    ]
    meta = json.dumps({"action_id": action_id, "contact_id": contact_id, **private})
    return _modal(cat, BOOKED_CALLBACK, "button.contact_menu", "form.submit", meta, blocks)


def _modal(
    cat: Catalogue, callback_id: str, title_key: str, submit_key: str, metadata: str, blocks: list[Block]
) -> dict[str, Any]:
    """A modal of the action's forms: the title cut to the 24 characters Slack allows, Cancel to close."""
    return View(
        type="modal",
        callback_id=callback_id,
        title=cat.t(title_key)[:24],
        submit=cat.t(submit_key),
        close=cat.t("form.cancel"),
        private_metadata=metadata,
        blocks=blocks,
    ).to_dict()


def errors_payload(errors: dict[str, str]) -> dict[str, Any]:
    return {"response_action": "errors", "errors": errors}
