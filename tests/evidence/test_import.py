"""Importing indicators from a CSV or Excel file: all or nothing, every bad row named."""

import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evidence import services
from evidence.models import Indicator, IndicatorValue
from tests.factories import IndicatorFactory, IndicatorValueFactory

pytestmark = pytest.mark.django_db

GOOD = (
    "indicator,unit,year,value,group,source,note\n"
    "Graduation rate,%,2024,84.1,,State report card,Four-year cohort\n"
    "Graduation rate,%,2025,86,,,\n"
    "Graduation rate,%,2025,79.5,Élèves allophones,,\n"
    "Chronic absenteeism,%,2025,14.2,Lincoln Elementary,District attendance,\n"
)


def url(cast, name="import"):
    return reverse(f"evidence:{name}", args=[cast.engagement.pk])


def csv_file(text: str, name="indicators.csv", encoding="utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def upload(client, cast, upload_file):
    client.force_login(cast.facilitator)
    return client.post(url(cast), {"file": upload_file})


def test_a_good_csv_adds_indicators_and_values(client, cast):
    response = upload(client, cast, csv_file(GOOD))
    assert response.status_code == 302
    graduation = Indicator.objects.get(engagement=cast.engagement, name="Graduation rate")
    assert graduation.unit == "%" and graduation.source == "State report card"
    assert graduation.note == "Four-year cohort"
    values = {(v.year, v.breakdown): v.value for v in graduation.values.all()}
    assert values == {
        (2024, ""): Decimal("84.10"),
        (2025, ""): Decimal("86.00"),
        (2025, "Élèves allophones"): Decimal("79.50"),
    }
    absenteeism = Indicator.objects.get(name="Chronic absenteeism")
    assert absenteeism.values.get().breakdown == "Lincoln Elementary"


def test_a_windows_csv_with_accents_reads_the_same(client, cast):
    assert upload(client, cast, csv_file(GOOD, encoding="cp1252")).status_code == 302
    assert IndicatorValue.objects.filter(breakdown="Élèves allophones").exists()


def test_a_good_xlsx_is_read_from_its_first_sheet(client, cast):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Indicator", "Unit", "Year", "Value", "School"])
    sheet.append(["Élèves lisant au niveau", "%", 2024, 61.5, "École Lincoln"])
    sheet.append(["Élèves lisant au niveau", "%", 2025, 64, None])
    out = io.BytesIO()
    book.save(out)
    response = upload(client, cast, SimpleUploadedFile("data.xlsx", out.getvalue()))
    assert response.status_code == 302
    indicator = Indicator.objects.get(name="Élèves lisant au niveau")
    assert {(v.year, v.breakdown, v.value) for v in indicator.values.all()} == {
        (2024, "École Lincoln", Decimal("61.50")),
        (2025, "", Decimal("64.00")),
    }


def test_one_bad_row_saves_nothing_and_every_bad_row_is_named(client, cast):
    text = GOOD + (
        ",%,2025,10,,,\n"  # line 6: no name
        "Trust survey,,twenty,x,,,\n"  # line 7: bad year and value
        "Graduation rate,%,2025,90,,,\n"  # line 8: same as line 3
    )
    response = upload(client, cast, csv_file(text))
    page = response.text
    assert response.status_code == 400
    assert not Indicator.objects.exists() and not IndicatorValue.objects.exists()
    assert "Nothing was saved: 3 rows need fixing." in page
    assert "Row 6: the indicator’s name is empty" in page
    assert (
        "Row 7 (Trust survey): “twenty” is not a year (write it as 2025); “x” is not a number"
        in (page)
    )
    assert "Row 8 (Graduation rate): row 3 already gives Graduation rate in 2025" in page


def test_a_file_replaces_a_kept_value_and_adds_to_a_kept_indicator(client, cast):
    kept = IndicatorFactory(engagement=cast.engagement, name="Graduation Rate", source="")
    IndicatorValueFactory(indicator=kept, year=2025, value="70")
    assert upload(client, cast, csv_file(GOOD)).status_code == 302
    kept.refresh_from_db()
    assert Indicator.objects.filter(engagement=cast.engagement).count() == 2
    assert kept.values.get(year=2025, breakdown="").value == Decimal("86.00")
    assert kept.source == "State report card"


def test_a_wrong_type_is_refused_by_the_field(client, cast):
    response = upload(client, cast, SimpleUploadedFile("data.ods", b"not ours"))
    assert response.status_code == 400
    assert "Only CSV files and Excel workbooks (.xlsx) can be imported." in response.text
    assert 'aria-describedby="id_file_helptext id_file_error"' in response.text


def test_a_file_that_is_not_a_workbook_is_refused(client, cast):
    response = upload(client, cast, SimpleUploadedFile("data.xlsx", b"PK\x03\x04broken"))
    assert response.status_code == 400
    assert "could not be read as an Excel workbook" in response.text


def test_a_file_too_big_is_refused(client, cast):
    big = GOOD + ("Graduation rate,%,2025,86,Group,,\n" * 40000)
    response = upload(client, cast, csv_file(big))
    assert response.status_code in (400, 413)
    assert not Indicator.objects.exists()
    if response.status_code == 400:
        assert "larger than 1 MB" in response.text


def test_missing_columns_are_named(client, cast):
    response = upload(client, cast, csv_file("indicator,unit\nGraduation rate,%\n"))
    assert response.status_code == 400
    assert "(missing: year, value)" in response.text


def test_a_500_character_note_is_kept(client, cast):
    note = ("Élèves " * 80)[:500]
    text = f'indicator,year,value,note\nTrust,2025,3.4,"{note}"\n'
    assert upload(client, cast, csv_file(text)).status_code == 302
    assert Indicator.objects.get(name="Trust").note == note.strip()


def test_the_template_downloads_and_imports_as_is(client, cast):
    client.force_login(cast.core_team)
    response = client.get(url(cast, "import-template"))
    assert response["Content-Disposition"] == 'attachment; filename="indicators-template.csv"'
    assert upload(client, cast, csv_file(response.content.decode())).status_code == 302
    assert Indicator.objects.filter(engagement=cast.engagement).count() == 2


def test_a_long_file_costs_no_query_per_row(client, cast, django_assert_max_num_queries):
    kept = IndicatorFactory(engagement=cast.engagement, name="Graduation rate")
    IndicatorValueFactory(indicator=kept, year=2020, value="70", breakdown="School 1")
    rows = "".join(
        f"Graduation rate,%,{2000 + n % 25},{70 + n % 9},School {n // 25}\n" for n in range(600)
    )
    client.force_login(cast.facilitator)
    with django_assert_max_num_queries(30):
        response = client.post(
            url(cast), {"file": csv_file("indicator,unit,year,value,school\n" + rows)}
        )
    assert response.status_code == 302
    assert kept.values.count() == 600
    assert kept.values.get(year=2020, breakdown="School 1").value == Decimal("70")


def test_a_workbook_with_broken_xml_is_refused_by_the_field(client, cast):
    book = openpyxl.Workbook()
    book.active.append(["indicator", "year", "value"])
    good = io.BytesIO()
    book.save(good)
    broken = io.BytesIO()
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            part = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                part = part[: len(part) // 2]
            target.writestr(item, part)
    response = upload(client, cast, SimpleUploadedFile("data.xlsx", broken.getvalue()))
    assert response.status_code == 400
    assert "could not be read as an Excel workbook" in response.text
    assert not Indicator.objects.filter(engagement=cast.engagement).exists()


def test_a_file_giving_an_indicator_too_many_schools_is_refused_whole(client, cast):
    many = services.INDICATOR_MAX_GROUPS + 1
    rows = "".join(f"Attendance,%,2025,90,School {n}\n" for n in range(many))
    response = upload(client, cast, csv_file("indicator,unit,year,value,school\n" + rows))
    assert response.status_code == 400
    assert f"would have {many} groups or schools" in response.text
    assert f"at most {services.INDICATOR_MAX_GROUPS}" in response.text
    assert not Indicator.objects.filter(engagement=cast.engagement).exists()


def test_a_file_giving_an_indicator_too_many_years_is_refused_whole(client, cast):
    rows = "".join(
        f"Attendance,%,{1900 + n},90,\n" for n in range(services.INDICATOR_MAX_YEARS + 1)
    )
    response = upload(client, cast, csv_file("indicator,unit,year,value\n" + rows))
    assert response.status_code == 400
    assert f"values for {services.INDICATOR_MAX_YEARS + 1} years" in response.text
    assert not Indicator.objects.filter(engagement=cast.engagement).exists()


def test_the_limit_counts_the_schools_an_indicator_keeps_already(client, cast):
    kept = IndicatorFactory(engagement=cast.engagement, name="Attendance")
    for n in range(services.INDICATOR_MAX_GROUPS):
        IndicatorValueFactory(indicator=kept, year=2024, value="90", breakdown=f"School {n}")
    same = "Attendance,%,2025,91,school 3\n"  # a school it has, in another case: fine
    assert (
        upload(client, cast, csv_file("indicator,unit,year,value,school\n" + same)).status_code
        == 302
    )
    new = "Attendance,%,2025,91,Another school\n"
    response = upload(client, cast, csv_file("indicator,unit,year,value,school\n" + new))
    assert response.status_code == 400
    assert "would have 40 groups or schools" in response.text
    assert not kept.values.filter(year=2025, breakdown="Another school").exists()


def test_values_with_both_marks_or_past_the_limit_are_read_or_named(client, cast):
    text = (
        "indicator,unit,year,value\n"
        'Budget,$,2024,"1.204,5"\n'
        'Budget,$,2025,"1,2,3"\n'  # line 3: unclear
        "Budget,$,2026,999999999999.999\n"  # line 4: rounds past the limit
    )
    response = upload(client, cast, csv_file(text))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Row 3 (Budget): “1,2,3” is not a number: its commas and points are unclear" in page
    assert "Row 4 (Budget): “999999999999.999” is too large" in page
    assert not Indicator.objects.filter(engagement=cast.engagement).exists()
    good = upload(client, cast, csv_file('indicator,unit,year,value\nBudget,$,2024,"1.204,5"\n'))
    assert good.status_code == 302
    assert IndicatorValue.objects.get(indicator__name="Budget").value == Decimal("1204.50")
