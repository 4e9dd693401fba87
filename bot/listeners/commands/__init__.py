from slack_bolt import App

from bot.listeners.commands import action, actions_list, conscience


def register(app: App) -> None:
    action.register(app)
    actions_list.register(app)
    conscience.register(app)
