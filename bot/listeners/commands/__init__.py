from slack_bolt import App

from bot.listeners.commands import conscience


def register(app: App) -> None:
    conscience.register(app)
