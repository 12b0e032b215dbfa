import pytest

from shared.settings import get_settings
from shared.validation import normalise_email


@pytest.fixture
def environment(monkeypatch):
    def use(name):
        monkeypatch.setenv("ENVIRONMENT", name)
        get_settings.cache_clear()

    yield use
    get_settings.cache_clear()


def test_addresses_are_trimmed_and_lower_cased(environment):
    environment("production")
    assert normalise_email("  Jane.Doe@Example.COM ") == "jane.doe@example.com"


@pytest.mark.parametrize("address", ["not-an-email", "a@", "@example.com", "a b@example.com", "a@example"])
def test_invalid_addresses_are_refused(environment, address):
    environment("production")
    with pytest.raises(ValueError):
        normalise_email(address)


def test_dev_domain_is_accepted_only_locally(environment):
    environment("local")
    assert normalise_email("Admin@Teamified.local") == "admin@teamified.local"
    environment("production")
    with pytest.raises(ValueError):
        normalise_email("admin@teamified.local")
