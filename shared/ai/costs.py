"""USD cost of AI calls from the price table in configuration (per model, per unit)."""

from __future__ import annotations

from typing import Any

from shared.settings import get_settings

PER_MILLION = 1_000_000


def _prices(model: str) -> dict[str, float]:
    table = get_settings().ai_prices
    return table.get(model) or table.get(model.split("-20")[0]) or {}


def text_cost(model: str, input_tokens: int, output_tokens: int) -> float:
    prices = _prices(model)
    return (input_tokens * prices.get("input", 0) + output_tokens * prices.get("output", 0)) / PER_MILLION


def transcription_cost(model: str, seconds: float, input_tokens: int = 0, output_tokens: int = 0) -> float:
    prices = _prices(model)
    if "audio_minute" in prices:
        return seconds / 60 * prices["audio_minute"]
    return text_cost(model, input_tokens, output_tokens)


def speech_cost(model: str, characters: int) -> float:
    return characters / 1000 * _prices(model).get("per_1k_characters", 0)


def realtime_cost(model: str, usage: dict[str, Any]) -> float:
    """Cost of a realtime `response.done` usage: text and audio input (cached input, a subset of
    it, at its own price) and text and audio output tokens. Without the cached tokens' split the
    cached tokens are counted as text first."""
    prices = _prices(model)
    details_in = usage.get("input_token_details") or {}
    details_out = usage.get("output_token_details") or {}
    audio_in = int(details_in.get("audio_tokens") or 0)
    text_in = int(details_in.get("text_tokens") or max(0, int(usage.get("input_tokens") or 0) - audio_in))
    audio_out = int(details_out.get("audio_tokens") or 0)
    text_out = int(details_out.get("text_tokens") or max(0, int(usage.get("output_tokens") or 0) - audio_out))
    cached = int(details_in.get("cached_tokens") or 0)
    split = details_in.get("cached_tokens_details") or {}
    if split:
        cached_text = min(text_in, int(split.get("text_tokens") or 0))
        cached_audio = min(audio_in, int(split.get("audio_tokens") or 0))
    else:
        cached_text = min(text_in, cached)
        cached_audio = min(audio_in, cached - cached_text)
    cached_price = prices.get("cached_input", 0)
    total = (
        (text_in - cached_text) * prices.get("input", 0)
        + cached_text * cached_price
        + (audio_in - cached_audio) * prices.get("audio_input", 0)
        + cached_audio * prices.get("cached_audio_input", cached_price)
        + text_out * prices.get("output", 0)
        + audio_out * prices.get("audio_output", 0)
    )
    return total / PER_MILLION
