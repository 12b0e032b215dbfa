import pytest

from shared.services.passwords import broken_rules, describe


@pytest.mark.parametrize(
    ("password", "broken"),
    [
        ("Str0ng!pass", []),
        ("Sh0rt!", ["min_length"]),  # 6 characters
        ("nouppercase1!", ["uppercase"]),
        ("NoDigitsHere!", ["digit"]),
        ("NoSpecial123", ["special"]),
        ("lowercase", ["uppercase", "digit", "special"]),
        ("A1!" + "a" * 80, ["max_length"]),  # longer than bcrypt accepts
    ],
)
def test_each_rule_is_reported(password, broken):
    assert broken_rules(password) == broken


def test_description_names_every_missing_rule():
    assert describe(["uppercase", "digit"]) == "The password needs an upper-case letter, a digit."
