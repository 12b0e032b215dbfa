"""The AI layer: one task-level interface, two providers (OpenAI and offline)."""
