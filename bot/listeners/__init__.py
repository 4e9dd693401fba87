"""The Slack edge, laid out as in Bolt's starter template: each kind registers its own listeners."""

from slack_bolt import App

from bot.listeners import actions, commands, events, views


def register(app: App) -> None:
    actions.register(app)
    commands.register(app)
    events.register(app)
    views.register(app)
