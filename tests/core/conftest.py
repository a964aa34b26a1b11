"""Fixtures for the core tests."""

from tests.helpers.keyrings import set_keyring  # noqa: F401 - a fixture, for test_hub_settings
