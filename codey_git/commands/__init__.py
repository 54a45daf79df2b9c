"""One module per subcommand. Each defines ``register(app)``; modules starting with _ are helpers."""
