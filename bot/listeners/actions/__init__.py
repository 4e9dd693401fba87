from slack_bolt import App

from bot.listeners.actions import form, plan, proposals


def register(app: App) -> None:
    form.register(app)
    plan.register(app)
    proposals.register(app)
