import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in Russian leaves Russian active in this thread; later tests must not inherit it."""
    yield
    translation.activate("en")
