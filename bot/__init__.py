"""Conscience: the Slack edge (listeners), the domain (services), the messages layer and the Slack gateway."""
