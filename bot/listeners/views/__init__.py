from slack_bolt import App

from bot.listeners.views import action_form, small_modals, team_settings


def register(app: App) -> None:
    action_form.register(app)
    small_modals.register(app)
    team_settings.register(app)
