"""Model protocol and backends (llama_cpp, openai, scripted)."""
