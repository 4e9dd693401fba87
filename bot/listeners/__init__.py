"""The Slack edge, laid out as in Bolt's starter template: each kind registers its own listeners."""

from slack_bolt import App

from bot.listeners import actions, commands, events, views


def register(app: App) -> None:
    # Bolt tries listeners in order; slash commands are the most frequent, so they go first.
    commands.register(app)
    actions.register(app)
    views.register(app)
    events.register(app)
