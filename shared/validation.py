"""Field types shared by request models."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, Field

from shared.settings import get_settings

DEV_DOMAIN = ".local"  # the seeded development accounts use the reserved .local domain


def normalise_email(value: str) -> str:
    """A syntactically valid address, trimmed and lower-cased (no DNS lookups). email-validator is
    imported by the first address checked: most functions' models only use `Text`."""
    from email_validator import EmailNotValidError, validate_email

    value = value.strip()
    try:
        return validate_email(value, check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        local_part, _, domain = value.rpartition("@")
        if get_settings().environment == "local" and domain.lower().endswith(DEV_DOMAIN) and local_part:
            try:
                validate_email(f"{local_part}@{domain[: -len(DEV_DOMAIN)]}.example", check_deliverability=False)
            except EmailNotValidError:
                raise ValueError("The email address is not valid.") from exc
            return value.lower()
        raise ValueError("The email address is not valid.") from exc


def refuse_nul(value: str) -> str:
    """Text without NUL characters: Postgres text and jsonb cannot hold them, and no person types one."""
    if "\x00" in value:
        raise ValueError("The text contains a NUL character.")
    return value


Text = Annotated[str, AfterValidator(refuse_nul)]
"""Every free-text field of a request: a string without NUL characters (lengths stay per field)."""

Email = Annotated[str, Field(min_length=3, max_length=254), AfterValidator(normalise_email)]
