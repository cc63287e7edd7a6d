from django import forms
from django.contrib import admin

from .models import Engagement, Membership, Organization, Role, StakeholderGroup


class MembershipAdminForm(forms.ModelForm):
    roles = forms.MultipleChoiceField(choices=Role.choices, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Membership
        fields = ["user", "roles", "stakeholder_group"]


class MembershipInline(admin.TabularInline):
    model = Membership
    form = MembershipAdminForm
    extra = 0
    autocomplete_fields = ["user"]


class StakeholderGroupInline(admin.TabularInline):
    model = StakeholderGroup
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "created_at"]
    search_fields = ["name"]


@admin.register(Engagement)
class EngagementAdmin(admin.ModelAdmin):
    list_display = ["name", "organization", "status", "created_at"]
    list_filter = ["status"]
    list_select_related = ["organization"]
    search_fields = ["name", "organization__name"]
    inlines = [StakeholderGroupInline, MembershipInline]
