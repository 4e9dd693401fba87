from slack_bolt import App

from bot.listeners.views import action_form, review_agree, small_modals, team_settings


def register(app: App) -> None:
    action_form.register(app)
    review_agree.register(app)
    small_modals.register(app)
    team_settings.register(app)
