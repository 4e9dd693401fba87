from slack_bolt import App

from bot.listeners.actions import form, manager, membership, nudges, plan, proposals


def register(app: App) -> None:
    form.register(app)
    nudges.register(app)
    plan.register(app)
    proposals.register(app)
    manager.register(app)
    membership.register(app)
