"""The fake Slack: Slack's Block Kit rules and a workspace's state, shared by the tests, the simulator,
the benchmarks and `python -m bot check-slack --dry-run`."""
