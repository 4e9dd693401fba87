"""Use cases: one module per thing a person or the clock does.

A flow takes the caller, typed input and the dependencies; it owns the transaction (`context.turn`), calls
the services, renders through `bot.messages`, sends through the gateway and refreshes what the change
touched (the Home tab, the list it came from). Listeners, the worker and the simulator all call flows.
"""
