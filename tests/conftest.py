"""Shared fixtures and the Hypothesis profiles.

The "ci" profile (chosen when CI=true, as .ci/run sets it) keeps `make test` well under ten
minutes on two cores; "dev" is the default at a desk; "soak" is for a long run by hand:
HYPOTHESIS_PROFILE=soak make test.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from tests.bounded import copy_rulebook
from wargame.engine.rulebook import Rulebook, load_rulebook

settings.register_profile(
    "ci", max_examples=100, deadline=None, derandomize=True, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("soak", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


@pytest.fixture(scope="session", autouse=True)
def _no_users_key(tmp_path_factory):
    """No test reads or writes the user's signing key: the configuration folder is a temporary
    one (for subprocesses too), and no key file is chosen from the environment."""
    saved = {k: os.environ.get(k) for k in ("XDG_CONFIG_HOME", "WARGAME_KEY_FILE")}
    os.environ["XDG_CONFIG_HOME"] = str(tmp_path_factory.mktemp("config"))
    os.environ.pop("WARGAME_KEY_FILE", None)
    yield
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(scope="session")
def rulebook() -> Rulebook:
    return load_rulebook()


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    """A scratch copy of the rules and decks a test module may break: (base, rules, decks)."""
    base = tmp_path_factory.mktemp("book")
    rules, decks = copy_rulebook(base)
    return base, rules, decks
