"""Indicators (name, unit, source, direction) with their values by year and, optionally, by
student group or school; data packs that put chosen indicators in order with commentary."""

import uuid

from django.db import models
from django.db.models.functions import Lower

from engagements.models import Engagement, Meeting

NOTE_MAX = 2000
COMMENTARY_MAX = 2000
INTRODUCTION_MAX = 4000
BREAKDOWN_MAX = 100
ALL_STUDENTS = "All students"


class Indicator(models.Model):
    class Direction(models.TextChoices):
        UP = "up", "Higher is better"
        DOWN = "down", "Lower is better"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="indicators")
    name = models.CharField("name", max_length=200)
    unit = models.CharField(
        "unit", max_length=40, blank=True, help_text="For example: %, students, days"
    )
    source = models.CharField("source", max_length=300, blank=True)
    direction = models.CharField(
        "which way is better", max_length=4, choices=Direction.choices, default=Direction.UP
    )
    note = models.TextField("note", blank=True, max_length=NOTE_MAX)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"), "engagement", name="one_indicator_of_a_name_per_engagement"
            )
        ]

    def __str__(self) -> str:
        return self.name


class IndicatorValue(models.Model):
    """One number: an indicator's value in a year, for all students (blank breakdown) or for one
    student group or school."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    year = models.PositiveSmallIntegerField("year")
    value = models.DecimalField("value", max_digits=14, decimal_places=2)
    breakdown = models.CharField(
        "student group or school",
        max_length=BREAKDOWN_MAX,
        blank=True,
        help_text="Blank for all students.",
    )

    class Meta:
        ordering = ["breakdown", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "breakdown"], name="one_value_per_year_and_group"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator_id} {self.year} {self.breakdown or ALL_STUDENTS}: {self.value}"


class DataPack(models.Model):
    """Chosen indicators in order, with commentary, for the plan team to read before the data
    retreat; attached to a meeting, it is listed among that meeting's readings."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    engagement = models.ForeignKey(Engagement, on_delete=models.CASCADE, related_name="data_packs")
    title = models.CharField("title", max_length=200)
    introduction = models.TextField("introduction", blank=True, max_length=INTRODUCTION_MAX)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="data_packs",
        verbose_name="read before the meeting",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.title


class DataPackItem(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    pack = models.ForeignKey(DataPack, on_delete=models.CASCADE, related_name="items")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="pack_items")
    position = models.PositiveIntegerField(default=0)
    commentary = models.TextField("commentary", blank=True, max_length=COMMENTARY_MAX)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["pack", "indicator"], name="an_indicator_once_a_pack")
        ]

    def __str__(self) -> str:
        return f"{self.pack_id} #{self.position}"
