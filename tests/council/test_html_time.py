import datetime
import zoneinfo

from django.template import Context, Template
from django.utils import timezone


def render(value) -> str:
    return Template("{% load html_time %}{{ value|datetime_attr }}").render(
        Context({"value": value})
    )


def test_an_instant_is_printed_to_the_second_in_local_time():
    instant = datetime.datetime(2026, 12, 6, 5, 30, 18, 682808, tzinfo=datetime.UTC)
    with timezone.override(zoneinfo.ZoneInfo("Europe/Brussels")):
        assert render(instant) == "2026-12-06T06:30:18+01:00"


def test_a_day_is_printed_as_a_date_and_nothing_as_nothing():
    assert render(datetime.date(2026, 12, 6)) == "2026-12-06"
    assert render(None) == ""
