"""The deterministic, network-free provider: the default when no OpenAI key is configured."""
