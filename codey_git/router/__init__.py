"""Free text to intents: rules first, then the small router model; the fast path for tool requests."""
