"""Indicators: the grid that keeps what was typed, the page with its chart, table and sentence,
delete with a confirmation, and who may do what."""

from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evidence import services
from evidence.models import Indicator, IndicatorValue
from tests.factories import IndicatorFactory, IndicatorValueFactory

pytestmark = pytest.mark.django_db

ROLES = ["facilitator", "core_team", "plan_team", "board", "superintendent"]
KEEPERS = {"facilitator", "core_team"}


def url(name, cast, *args):
    return reverse(f"evidence:{name}", args=[cast.engagement.pk, *args])


def graduation(cast, **kwargs):
    indicator = IndicatorFactory(
        engagement=cast.engagement, name="Graduation rate", unit="%", **kwargs
    )
    for year, value in [(2021, "81"), (2023, "84.5"), (2025, "86")]:
        IndicatorValueFactory(indicator=indicator, year=year, value=value)
    for year, value in [(2021, "70"), (2025, "79.5")]:
        IndicatorValueFactory(
            indicator=indicator, year=year, value=value, breakdown="English learners"
        )
    return indicator


def grid_post(**extra):
    data = {
        "name": "Chronic absenteeism",
        "unit": "%",
        "source": "District attendance system",
        "direction": "down",
        "note": "",
        "grid-rows": "3",
        "grid-cols": "2",
        "grid-g1": "Élèves de Lincoln",
        "grid-y0": "2024",
        "grid-v0_0": "14.2",
        "grid-v0_1": "18",
        "grid-y1": "2025",
        "grid-v1_0": "12,5",
        "grid-v1_1": "",
        "grid-y2": "",
    }
    data.update(extra)
    return data


def test_the_empty_list_says_what_to_do_next(client, cast):
    client.force_login(cast.facilitator)
    page = client.get(url("indicators", cast)).text
    assert "No indicators yet." in page
    assert url("import-template", cast) in page
    client.force_login(cast.plan_team)
    page = client.get(url("indicators", cast)).text
    assert "The facilitator and the core team add them here" in page
    assert url("indicator-new", cast) not in page


def test_the_engagement_page_links_to_the_data(client, cast):
    client.force_login(cast.board)
    page = client.get(reverse("engagements:detail", args=[cast.engagement.pk])).text
    assert url("indicators", cast) in page


def test_it_adds_an_indicator_with_its_grid_of_values(client, cast):
    client.force_login(cast.core_team)
    response = client.post(url("indicator-new", cast), grid_post())
    indicator = Indicator.objects.get(engagement=cast.engagement)
    assert response.status_code == 302
    assert indicator.direction == "down"
    values = {(v.year, v.breakdown): v.value for v in indicator.values.all()}
    assert values == {
        (2024, ""): Decimal("14.20"),
        (2024, "Élèves de Lincoln"): Decimal("18.00"),
        (2025, ""): Decimal("12.50"),
    }


def test_a_bad_cell_keeps_everything_typed_and_is_named_by_the_field(client, cast):
    client.force_login(cast.facilitator)
    data = grid_post(**{"grid-v1_0": "about twelve", "grid-y2": "", "grid-v2_1": "3"})
    response = client.post(url("indicator-new", cast), data)
    page = response.text
    assert response.status_code == 400
    assert not Indicator.objects.exists()
    assert "“about twelve” is not a number." in page
    assert 'aria-describedby="id_grid-v1_0_error"' in page
    assert "Write the year of these values." in page
    assert 'value="about twelve"' in page and 'value="Élèves de Lincoln"' in page
    assert 'value="Chronic absenteeism"' in page


def test_a_value_in_an_unnamed_column_and_a_repeated_year_are_refused(client, cast):
    client.force_login(cast.facilitator)
    data = grid_post(**{"grid-g1": "", "grid-y1": "2024"})
    page = client.post(url("indicator-new", cast), data).text
    assert "Name this column’s group or school." in page
    assert "2024 is already in row 1." in page


def test_a_name_already_kept_is_refused_by_its_field(client, cast):
    IndicatorFactory(engagement=cast.engagement, name="Chronic Absenteeism")
    client.force_login(cast.facilitator)
    response = client.post(url("indicator-new", cast), grid_post())
    assert response.status_code == 400
    assert "There is already an indicator called" in response.text
    assert Indicator.objects.filter(engagement=cast.engagement).count() == 1


def test_editing_replaces_the_values_and_shows_more_blank_rows(client, cast):
    indicator = graduation(cast)
    client.force_login(cast.facilitator)
    page = client.get(url("indicator-edit", cast, indicator.pk)).text
    assert 'value="84.5"' in page and 'value="English learners"' in page
    assert 'name="grid-y5"' in page  # three years and three blank rows
    data = {
        "name": "Graduation rate",
        "unit": "%",
        "direction": "up",
        "grid-rows": "1",
        "grid-cols": "1",
        "grid-y0": "2026",
        "grid-v0_0": "88",
    }
    assert client.post(url("indicator-edit", cast, indicator.pk), data).status_code == 302
    assert list(indicator.values.values_list("year", "value")) == [(2026, Decimal("88.00"))]


def test_a_500_character_note_is_kept_and_shown_escaped(client, cast):
    note = ("<b>Élèves</b> " * 50)[:500]
    client.force_login(cast.facilitator)
    response = client.post(url("indicator-new", cast), grid_post(note=note))
    assert response.status_code == 302
    indicator = Indicator.objects.get()
    assert indicator.note == note.strip()
    page = client.get(url("indicator", cast, indicator.pk)).text
    assert "&lt;b&gt;Élèves&lt;/b&gt;" in page and "<b>Élèves" not in page


def test_the_page_shows_a_chart_a_table_and_a_sentence(client, cast):
    indicator = graduation(cast)
    client.force_login(cast.plan_team)
    page = client.get(url("indicator", cast, indicator.pk)).text
    sentence = "Graduation rate rose from 81% in 2021 to 86% in 2025; higher is better."
    assert sentence in page
    assert "<svg" in page and 'role="img"' in page
    assert "<title" in page and "English learners" in page
    assert '<th scope="col">All students</th><th scope="col">English learners</th>' in page
    assert "<td>84.5%</td>" in page and "<td>79.5%</td>" in page
    assert 'aria-label="no value"' in page  # English learners in 2023


def test_user_text_is_escaped_in_the_chart_and_table(client, cast):
    indicator = IndicatorFactory(engagement=cast.engagement, name="<script>x</script>", unit="%")
    IndicatorValueFactory(indicator=indicator, year=2025, breakdown="<i>group</i>")
    client.force_login(cast.facilitator)
    page = client.get(url("indicator", cast, indicator.pk)).text
    assert "<script>x" not in page and "<i>group" not in page
    assert "&lt;script&gt;x&lt;/script&gt;" in page


def test_delete_asks_first_then_deletes(client, cast):
    indicator = graduation(cast)
    client.force_login(cast.core_team)
    page = client.get(url("indicator-delete", cast, indicator.pk)).text
    assert "This cannot be undone." in page
    assert Indicator.objects.filter(pk=indicator.pk).exists()
    response = client.post(url("indicator-delete", cast, indicator.pk))
    assert response.status_code == 302
    assert not Indicator.objects.filter(pk=indicator.pk).exists()
    assert not IndicatorValue.objects.exists()


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_and_only_keepers_change(client, cast, role):
    indicator = graduation(cast)
    client.force_login(cast.member(role))
    assert client.get(url("indicators", cast)).status_code == 200
    assert client.get(url("indicator", cast, indicator.pk)).status_code == 200
    expected = 200 if role in KEEPERS else 403
    for name, args in [
        ("indicator-new", []),
        ("indicator-edit", [indicator.pk]),
        ("indicator-delete", [indicator.pk]),
        ("import", []),
        ("import-template", []),
        ("pack-new", []),
    ]:
        assert client.get(url(name, cast, *args)).status_code == expected, name
    response = client.post(url("indicator-delete", cast, indicator.pk))
    assert response.status_code == (302 if role in KEEPERS else 403)


def test_an_outsider_and_a_foreign_indicator_get_404(client, cast):
    indicator = graduation(cast)
    foreign = IndicatorFactory(engagement=cast.foreign_engagement)
    client.force_login(cast.outsider)
    assert client.get(url("indicators", cast)).status_code == 404
    assert client.get(url("indicator", cast, indicator.pk)).status_code == 404
    client.force_login(cast.facilitator)
    assert client.get(url("indicator", cast, foreign.pk)).status_code == 404
    assert client.get(url("indicator-edit", cast, foreign.pk)).status_code == 404
    assert client.post(url("indicator-delete", cast, foreign.pk)).status_code == 404
    assert Indicator.objects.filter(pk=foreign.pk).exists()


def test_not_signed_in_is_sent_to_sign_in(client, cast):
    response = client.get(url("indicators", cast))
    assert (
        response.status_code == 302
        and "sign-in" in response["Location"]
        or "login" in (response["Location"])
    )


def test_the_list_and_the_page_take_constant_queries(client, cast, django_assert_max_num_queries):
    client.force_login(cast.facilitator)
    for n in range(3):
        graduation_like = IndicatorFactory(engagement=cast.engagement, name=f"Indicator {n}")
        IndicatorValueFactory(indicator=graduation_like, year=2025)
    with django_assert_max_num_queries(12) as few:
        client.get(url("indicators", cast))
    for n in range(3, 30):
        many = IndicatorFactory(engagement=cast.engagement, name=f"Indicator {n}")
        for year in range(2015, 2026):
            IndicatorValueFactory(indicator=many, year=year, breakdown=f"School {n % 4}")
    with django_assert_max_num_queries(len(few)):
        client.get(url("indicators", cast))
    with django_assert_max_num_queries(12):
        client.get(url("indicator", cast, many.pk))


def test_services_refuse_an_empty_name():
    with pytest.raises(Exception, match="Give the indicator a name"):
        services.indicator_save(engagement=IndicatorFactory().engagement, name="   ")


def test_more_rows_and_another_column_keep_what_is_typed_and_save_nothing(client, cast):
    client.force_login(cast.facilitator)
    data = grid_post(**{"grid-more-rows": "1", "grid-y2": "20"})  # an unfinished year: no error
    page = client.post(url("indicator-new", cast), data).text
    assert not Indicator.objects.exists()
    assert 'name="grid-y5"' in page and 'name="grid-y6"' not in page
    assert 'value="Élèves de Lincoln"' in page and 'value="12,5"' in page and 'value="20"' in page
    assert 'value="Chronic absenteeism"' in page
    assert "Write a year" not in page
    page = client.post(url("indicator-new", cast), grid_post(**{"grid-more-cols": "1"})).text
    assert 'name="grid-g2"' in page and 'name="grid-v0_2"' in page
    assert not Indicator.objects.exists()


class _FormFields(HTMLParser):
    """What a browser would send for a page's form: its text, hidden and checked inputs, its
    text areas and selected options (the submit buttons left out)."""

    def __init__(self):
        super().__init__()
        self.data: dict[str, str] = {}
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and name != "csrfmiddlewaretoken":
            if attrs.get("type") in ("radio", "checkbox") and "checked" not in attrs:
                return
            if attrs.get("type") != "submit":
                self.data[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None


def form_fields(page: str) -> dict[str, str]:
    parser = _FormFields()
    parser.feed(page)
    return parser.data


def test_an_imported_indicator_with_15_schools_is_edited_and_saved_whole(client, cast):
    rows = "".join(
        f"Reading at grade level,%,{year},{50 + n},School {n:02}\n"
        for n in range(15)
        for year in (2024, 2025)
    )
    data = ("indicator,unit,year,value,school\n" + rows).encode()
    client.force_login(cast.facilitator)
    imported = client.post(url("import", cast), {"file": SimpleUploadedFile("d.csv", data)})
    assert imported.status_code == 302
    indicator = Indicator.objects.get(name="Reading at grade level")
    before = set(indicator.values.values_list("year", "breakdown", "value"))
    assert len(before) == 30
    page = client.get(url("indicator-edit", cast, indicator.pk)).text
    assert 'value="School 14"' in page
    saved = client.post(url("indicator-edit", cast, indicator.pk), form_fields(page))
    assert saved.status_code == 302
    assert set(indicator.values.values_list("year", "breakdown", "value")) == before


def test_an_indicator_kept_before_the_limits_is_still_shown_and_saved_whole(client, cast):
    indicator = IndicatorFactory(engagement=cast.engagement, name="Attendance")
    for n in range(services.INDICATOR_MAX_GROUPS + 6):
        IndicatorValueFactory(indicator=indicator, year=2025, value="90", breakdown=f"S{n:02}")
    before = set(indicator.values.values_list("year", "breakdown", "value"))
    client.force_login(cast.facilitator)
    page = client.get(url("indicator-edit", cast, indicator.pk)).text
    saved = client.post(url("indicator-edit", cast, indicator.pk), form_fields(page))
    assert saved.status_code == 302
    assert set(indicator.values.values_list("year", "breakdown", "value")) == before


def test_a_grid_at_its_limits_is_sent_and_saved_whole(client, cast):
    indicator = IndicatorFactory(engagement=cast.engagement, name="Attendance")
    for n in range(services.INDICATOR_MAX_GROUPS):
        IndicatorValueFactory(indicator=indicator, year=2000, value="90", breakdown=f"S{n:02}")
    for year in range(2001, 2001 + services.INDICATOR_MAX_YEARS - 1):
        IndicatorValueFactory(indicator=indicator, year=year, value="80")
    before = set(indicator.values.values_list("year", "breakdown", "value"))
    client.force_login(cast.facilitator)
    page = client.get(url("indicator-edit", cast, indicator.pk)).text
    fields = form_fields(page)
    assert len(fields) > 4000  # every cell of 100 years by 40 columns
    saved = client.post(url("indicator-edit", cast, indicator.pk), fields)
    assert saved.status_code == 302
    assert set(indicator.values.values_list("year", "breakdown", "value")) == before


def test_the_grid_grows_up_to_its_limits_only(client, cast):
    client.force_login(cast.facilitator)
    data = grid_post(**{"grid-rows": "500", "grid-cols": "500", "grid-more-cols": "1"})
    page = client.post(url("indicator-new", cast), data).text
    last_col = services.INDICATOR_MAX_GROUPS
    assert f'name="grid-g{last_col}"' in page and f'name="grid-g{last_col + 1}"' not in page
    last_row = services.INDICATOR_MAX_YEARS - 1
    assert f'name="grid-y{last_row}"' in page and f'name="grid-y{last_row + 1}"' not in page
    assert 'name="grid-more-cols"' not in page and 'name="grid-more-rows"' not in page


def test_the_grid_names_unclear_and_too_large_numbers_by_their_cell(client, cast):
    client.force_login(cast.facilitator)
    data = grid_post(**{"grid-v0_0": "1,2,3", "grid-v0_1": "999999999999.999"})
    response = client.post(url("indicator-new", cast), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "“1,2,3” is not a number: its commas and points are unclear." in page
    assert "“999999999999.999” is too large: write a number under 1,000,000,000,000." in page
    assert 'aria-describedby="id_grid-v0_0_error"' in page
    assert not Indicator.objects.exists()
    saved = client.post(url("indicator-new", cast), grid_post(**{"grid-v0_0": "1.204,5"}))
    assert saved.status_code == 302
    assert IndicatorValue.objects.get(year=2024, breakdown="").value == Decimal("1204.50")


def test_case_variants_in_an_import_are_one_column_that_edits_and_saves(client, cast):
    data = (
        b"indicator,unit,year,value,school\n"
        b"Attendance,%,2024,91,Lincoln\n"
        b"Attendance,%,2025,92,LINCOLN\n"
        b"Attendance,%,2025,88, lincoln elementary \n"
        b"Attendance,%,2026,89,Lincoln Elementary\n"
    )
    client.force_login(cast.facilitator)
    imported = client.post(url("import", cast), {"file": SimpleUploadedFile("d.csv", data)})
    assert imported.status_code == 302
    indicator = Indicator.objects.get(name="Attendance")
    assert set(indicator.values.values_list("year", "breakdown")) == {
        (2024, "Lincoln"),
        (2025, "Lincoln"),
        (2025, "lincoln elementary"),
        (2026, "lincoln elementary"),
    }
    before = set(indicator.values.values_list("year", "breakdown", "value"))
    page = client.get(url("indicator-edit", cast, indicator.pk)).text
    saved = client.post(url("indicator-edit", cast, indicator.pk), form_fields(page))
    assert saved.status_code == 302
    assert set(indicator.values.values_list("year", "breakdown", "value")) == before


def test_an_import_takes_the_spelling_an_indicator_keeps(client, cast):
    indicator = IndicatorFactory(engagement=cast.engagement, name="Attendance")
    IndicatorValueFactory(indicator=indicator, year=2024, value="91", breakdown="Lincoln")
    data = b"indicator,unit,year,value,school\nAttendance,%,2025,92,  LINCOLN  \n"
    client.force_login(cast.facilitator)
    imported = client.post(url("import", cast), {"file": SimpleUploadedFile("d.csv", data)})
    assert imported.status_code == 302
    assert set(indicator.values.values_list("year", "breakdown")) == {
        (2024, "Lincoln"),
        (2025, "Lincoln"),
    }
    page = client.get(url("indicator-edit", cast, indicator.pk)).text
    saved = client.post(url("indicator-edit", cast, indicator.pk), form_fields(page))
    assert saved.status_code == 302
    assert indicator.values.count() == 2
