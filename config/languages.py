"""The languages the bot speaks: one list, read by the settings, the catalogues, the date parser, people's
settings, the coaching texts and the simulator. A new language is added here (with its catalogue in
`config/messages/<code>/` and its date vocabulary in bot/services/dates.py)."""

from __future__ import annotations

LANGUAGES = ("en", "nl")
# The name of each language, in English (the simulator's transcripts).
NAMES = {"en": "English", "nl": "Dutch"}
