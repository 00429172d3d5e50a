"""Form errors next to their field on the calls upload and the call analytics filters (screen readers
are pointed at the error by aria-describedby)."""

from __future__ import annotations

import re

import pytest

from tests.calls.factories import SourceFactory

pytestmark = pytest.mark.django_db


def test_an_upload_without_a_file_shows_the_error_under_the_file_field(client_as):
    SourceFactory(slug="kzn-pbx")
    response = client_as("accounting").post("/calls/upload/", {"source": "kzn-pbx"})
    assert response.status_code == 200
    page = response.content.decode()
    field = re.search(r'<div class="field has-error">.*?</div>', page, re.S).group(0)
    assert "Call-record file" in field and "This field is required." in field
    assert re.search(r'<input[^>]*name="file"[^>]*aria-invalid="true"', field)
    assert 'aria-describedby="id_file-errors"' in field and 'id="id_file-errors"' in field


def test_a_bad_date_in_the_call_analytics_filter_is_named_at_its_field(client_as):
    page = client_as("marketer").get("/rollout/analytics/?from=2026-13-01").content.decode()
    field = re.search(r'<div class="field has-error">.*?</div>\s*</div>', page, re.S).group(0)
    assert 'name="from"' in field and "Enter a valid date." in field
    assert 'aria-describedby="id_from-errors"' in field


def test_a_period_that_ends_before_it_starts_is_reported_above_the_filters(client_as):
    page = client_as("marketer").get("/rollout/analytics/?from=2026-03-10&to=2026-03-01").content.decode()
    assert re.search(
        r'<div class="errorlist" role="alert">&#x27;from&#x27; must not be after &#x27;to&#x27;\.', page
    )
