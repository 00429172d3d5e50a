import pytest

from apps.risk.rules import scan


@pytest.fixture
def find():
    """find(text, code) -> the finding of `code` in `text` (or None), after checking every offset."""

    def _find(text, code, **kwargs):
        findings = scan(text, **kwargs)
        for f in findings:
            assert text[f.start : f.end] == f.quote
        matches = [f for f in findings if f.code == code]
        return matches[0] if matches else None

    return _find
