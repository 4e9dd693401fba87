"""`python -m bot simulate`: weeks of a team's life without Slack, every message the bot would send."""
