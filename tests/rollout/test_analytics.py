"""Call analytics against figures computed by hand on a small fixed set of calls.

The Ufa salon (Asia/Yekaterinburg, UTC+5), week Monday 2 – Sunday 8 March 2026, local days:

  #  UTC start          Ufa local        dir  outcome                        caller
  1  03-02 04:00        Mon 09:00        in   answered, after 12 s           +7 917 000-00-01
  2  03-02 05:30        Mon 10:30        in   no answer                      +7 917 000-00-02
  3  03-02 06:00        Mon 11:00        in   busy                           +7 917 000-00-03
  4  03-03 13:00 ×2     Tue 18:00        in   ring group: one leg missed,    +7 917 000-00-01
                                              one answered after 20 s
  5  03-04 19:30        Thu 00:30 (!)    in   no answer, hidden caller id
  6  03-02 06:00        Mon 11:00        out  to 8 917 000-00-02 (30 min after #2: a call-back)
  7  03-02 09:00        Mon 14:00        out  to 8 917 000-00-03 (3 h after #3: too late for 2 h)
  8  03-01 20:00        Mon 01:00 (!)    in   answered, no answer time known +7 917 000-00-04
  9  03-08 19:30        Mon 9 Mar 00:30  in   outside the period (UTC date says 8 March)
 10  02-25 05:00        Wed 25 Feb       in   no answer — the previous period

By hand: inbound 6 (#1 #2 #3 #4 #5 #8), outbound 2, answered 3 (#1 #4 #8), missed 3 (#2 #3 #5),
answer rate 50.0 %; time to answer known for 2 calls, average 16 s; missed with caller id 2, called
back within 2 h 1 (#2), not called back 1 (#3), callback rate 50.0 %, 1 missed without caller id;
repeat callers 1 (…01, 2 calls, 33.3 % of inbound); previous period: 1 inbound, 0 answered → answer
rate 0.0 %, trend +5 inbound, +50.0 points.
"""

from __future__ import annotations

import datetime as dt

import pytest

from apps.rollout.analytics import call_analytics, phone_key
from tests.factories import CityFactory, DepartmentFactory

from .conftest import utc

pytestmark = pytest.mark.django_db
START, END = dt.date(2026, 3, 2), dt.date(2026, 3, 8)


@pytest.fixture
def ufa_salon():
    ufa = CityFactory(name="Уфа", timezone="Asia/Yekaterinburg", area_code="347")
    return DepartmentFactory(city=ufa, code="UFA-1", name="Салон на Ленина")


@pytest.fixture
def kazan_salon():
    kazan = CityFactory(name="Казань", timezone="Europe/Moscow", area_code="843")
    return DepartmentFactory(city=kazan, code="KZN-1", name="Салон на Баумана")


@pytest.fixture
def week(ufa_salon, kazan_salon, make_call):
    s = ufa_salon
    make_call(s, utc(2026, 3, 2, 4, 0), caller="+79170000001", answered_at=utc(2026, 3, 2, 4, 0, 12))
    make_call(s, utc(2026, 3, 2, 5, 30), caller="+79170000002", disposition="no_answer")
    make_call(s, utc(2026, 3, 2, 6, 0), caller="+79170000003", disposition="busy")
    make_call(s, utc(2026, 3, 3, 13, 0), caller="+79170000001", disposition="no_answer", group="g4")
    make_call(
        s, utc(2026, 3, 3, 13, 0), caller="+79170000001", answered_at=utc(2026, 3, 3, 13, 0, 20), group="g4"
    )
    make_call(s, utc(2026, 3, 4, 19, 30), caller="", disposition="no_answer")
    make_call(s, utc(2026, 3, 2, 6, 0), direction="out", caller="+73472000000", callee="89170000002")
    make_call(s, utc(2026, 3, 2, 9, 0), direction="out", caller="+73472000000", callee="89170000003")
    make_call(s, utc(2026, 3, 1, 20, 0), caller="+79170000004")
    make_call(s, utc(2026, 3, 8, 19, 30), caller="+79170000005")
    make_call(s, utc(2026, 2, 25, 5, 0), caller="+79170000006", disposition="no_answer")
    # Kazan: one answered inbound call on Monday 09:00 Moscow time.
    make_call(kazan_salon, utc(2026, 3, 2, 6, 0), caller="+79030000001")


def test_salon_figures_match_the_hand_computed_ones(week, ufa_salon):
    f = call_analytics(start=START, end=END, department=ufa_salon)
    assert (f["inbound"], f["outbound"], f["answered"], f["missed"]) == (6, 2, 3, 3)
    assert f["answer_rate"] == 50.0
    assert f["time_to_answer"] == {"known": 2, "average_seconds": 16.0, "median_seconds": 16.0}


def test_missed_calls_not_called_back_within_two_hours(week, ufa_salon):
    cb = call_analytics(start=START, end=END, department=ufa_salon)["callback"]
    assert cb == {
        "hours": 2,
        "missed_with_caller_id": 2,
        "missed_without_caller_id": 1,
        "called_back": 1,
        "not_called_back": 1,
        "callback_rate": 50.0,
    }


def test_a_wider_callback_window_counts_the_late_call_back(week, ufa_salon):
    cb = call_analytics(start=START, end=END, department=ufa_salon, callback_hours=3)["callback"]
    assert (cb["called_back"], cb["not_called_back"], cb["callback_rate"]) == (2, 0, 100.0)


def test_repeat_callers(week, ufa_salon):
    assert call_analytics(start=START, end=END, department=ufa_salon)["repeat_callers"] == {
        "callers": 1,
        "calls": 2,
        "share_of_inbound": 33.3,
    }


def test_heatmap_uses_ufa_local_time(week, ufa_salon):
    grid = call_analytics(start=START, end=END, department=ufa_salon)["heatmap"]["inbound"]
    mon, tue, thu = grid[0], grid[1], grid[3]
    assert (mon[1], mon[9], mon[10], mon[11]) == (1, 1, 1, 1)  # #8 at 01:00 local, not Sunday 20:00 UTC
    assert tue[18] == 1  # the ring group's two legs are one call
    assert thu[0] == 1  # Wednesday 19:30 UTC is Thursday 00:30 in Ufa
    assert sum(map(sum, grid)) == 6


def test_daily_series_follows_local_days(week, ufa_salon):
    days = {d["day"]: d for d in call_analytics(start=START, end=END, department=ufa_salon)["daily"]}
    assert len(days) == 7
    assert days["2026-03-02"] == {"day": "2026-03-02", "answered": 2, "missed": 2, "outbound": 2}
    assert days["2026-03-05"]["missed"] == 1
    assert days["2026-03-04"]["missed"] == 0


def test_trend_against_the_previous_period(week, ufa_salon):
    f = call_analytics(start=START, end=END, department=ufa_salon)
    assert f["previous_period"] == {"from": "2026-02-23", "to": "2026-03-01"}
    assert f["trend"]["previous"]["inbound"] == 1
    assert f["trend"]["previous"]["answer_rate"] == 0.0
    assert (f["trend"]["inbound"], f["trend"]["answer_rate_points"]) == (5, 50.0)


def test_company_wide_figures_add_each_salon_on_its_own_clock(week):
    f = call_analytics(start=START, end=END)
    assert (f["inbound"], f["answered"]) == (7, 4)
    assert f["heatmap"]["inbound"][0][9] == 2  # 09:00 Monday in Ufa and 09:00 Monday in Kazan
    assert [r["code"] for r in f["by_department"]] == ["KZN-1", "UFA-1"]
    assert set(f["scope"]["time_zones"]) == {"Asia/Yekaterinburg", "Europe/Moscow"}


def test_city_filter_keeps_only_that_citys_salons(week, kazan_salon):
    f = call_analytics(start=START, end=END, city=kazan_salon.city)
    assert (f["inbound"], f["answered"], f["answer_rate"]) == (1, 1, 100.0)


def test_no_calls_gives_no_rate_rather_than_zero(ufa_salon):
    f = call_analytics(start=START, end=END, department=ufa_salon)
    assert f["inbound"] == 0
    assert f["answer_rate"] is None
    assert f["callback"]["callback_rate"] is None


@pytest.mark.parametrize("raw", ["+7 917 000-00-01", "89170000001", "9170000001", "+79170000001"])
def test_phone_key_matches_the_same_subscriber_however_written(raw):
    assert phone_key(raw) == "9170000001"


def test_the_default_period_ends_at_the_newest_call_when_calls_stopped_earlier(week, api_as):
    # The newest call starts 19:30 UTC on 8 March: 22:30 in the portal's zone (Moscow), so 8 March.
    data = api_as("marketer").get("/api/v1/analytics/calls/").data
    assert data["period"] == {"from": "2026-02-07", "to": "2026-03-08", "days": 30}
    assert data["inbound"] > 0
