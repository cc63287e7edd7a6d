from django import forms
from django.contrib import admin

from .models import (
    AgendaItem,
    Engagement,
    Invitation,
    Meeting,
    Membership,
    Organization,
    ProcessTemplate,
    Role,
    StakeholderGroup,
    TemplatePhase,
)
from .text import CleanTextMixin


class MembershipAdminForm(CleanTextMixin, forms.ModelForm):
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
    list_display = ["name", "organization", "get_status_display", "created_at"]
    exclude = ["terminology"]
    list_select_related = ["organization"]
    search_fields = ["name", "organization__name"]
    inlines = [StakeholderGroupInline, MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_status()  # the status, derived, in one query


class TemplatePhaseInline(admin.StackedInline):
    model = TemplatePhase
    extra = 0


@admin.register(ProcessTemplate)
class ProcessTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "key", "owner", "updated_at"]
    list_select_related = ["owner"]
    search_fields = ["name", "key"]
    inlines = [TemplatePhaseInline]


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["title", "engagement", "kind", "starts_at"]
    list_select_related = ["engagement"]
    list_filter = ["kind"]
    inlines = [AgendaItemInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "engagement", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_select_related = ["engagement"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["token_hash"]
