"""Every text and Block Kit payload the bot sends, per language. Nothing else builds user-facing text."""
