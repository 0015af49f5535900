from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict, cast

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    SetUnusablePasswordMixin,
    UserChangeForm,
)
from django.contrib.auth.models import Group, Permission
from django.db.models import Count, ManyToManyField, QuerySet
from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from akimat.calendar import fill_working_calendar

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    # What the mixins below are mixed into: checked as a model admin, a plain class at run time.
    _AdminBase = admin.ModelAdmin[Any]
else:
    _AdminBase = object
from akimat.forms import CleanInputMixin, PortalModelForm
from akimat.models import CalendarDay, DayTransfer, Department, User


class ReadOnly:
    """For rows that change only through the services' rules (or never): the admin shows them
    and nothing else. The `obj` parameter on add serves inlines too."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class PortalAdmin(SimpleHistoryAdmin):
    """An editable admin page: its form cleans input like every form of the portal
    (`akimat.forms`), so an admin cannot store a NUL, a bidi override or a date in year 9999."""

    form: type[forms.ModelForm[Any]] = PortalModelForm


# Django stores a permission's name in English when it is created ("Can add task"), so the admin
# would list them in English on every page; the label is built from the model's translated name
# and the action instead. A permission of another shape keeps its stored name.
PERMISSION_ACTIONS = {
    "add": pgettext_lazy("permission", "add"),
    "change": pgettext_lazy("permission", "change"),
    "delete": pgettext_lazy("permission", "delete"),
    "view": pgettext_lazy("permission", "view"),
}


def permission_label(permission: Permission) -> str:
    model = permission.content_type.model_class()
    action = permission.codename.split("_", 1)[0]
    if model is None or permission.codename != f"{action}_{model._meta.model_name}":
        return str(permission)
    if action not in PERMISSION_ACTIONS:
        return str(permission)
    app = model._meta.app_config.verbose_name
    return f"{app} | {capfirst(model._meta.verbose_name)} | {PERMISSION_ACTIONS[action]}"


class PermissionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Permission) -> str:
        return permission_label(obj)


class TranslatedPermissions(_AdminBase):
    """For the user's and the group's admin: permissions listed in the page's language."""

    def formfield_for_manytomany(
        self, db_field: ManyToManyField[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField[Any] | None:
        if db_field.related_model is Permission:
            kwargs["form_class"] = PermissionChoiceField
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class PortalUserChangeForm(CleanInputMixin, UserChangeForm):
    pass


class PortalUserCreationForm(CleanInputMixin, AdminUserCreationForm):
    pass


class PortalAdminPasswordChangeForm(CleanInputMixin, AdminPasswordChangeForm):
    """Django (5.2) joins this help text to its English warning when the module is imported, so
    the text stays in the language active then (Russian) on every page; here it follows the page."""

    # A lazy string where Django's own is a str (it is read as one when the page is drawn).
    usable_password_help_text = cast(
        str,
        format_lazy(
            '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
            SetUnusablePasswordMixin.usable_password_help_text,
            _("If disabled, the current password for this user will be lost."),
        ),
    )


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(TranslatedPermissions, DjangoGroupAdmin):
    form = PortalModelForm


@admin.register(User)
class UserAdmin(TranslatedPermissions, DjangoUserAdmin, PortalAdmin):
    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    change_password_form = PortalAdminPasswordChangeForm

    list_display = (
        "username",
        "last_name",
        "first_name",
        "department",
        "position",
        "position_kk",
        "is_active",
    )
    list_filter = ("department", "groups", "is_active", "is_staff")
    list_select_related = ("department",)
    search_fields = (
        "username",
        "last_name",
        "first_name",
        "middle_name",
        "email",
        "position",
        "position_kk",
    )
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ())[:1],
        (
            _("Personal info"),
            {"fields": ("last_name", "first_name", "middle_name", "email", "language")},
        ),
        (_("Place in the akimat"), {"fields": ("department", "position", "position_kk")}),
        *(DjangoUserAdmin.fieldsets or ())[2:],
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "last_name",
                    "first_name",
                    "department",
                    "position",
                    "position_kk",
                    "password1",
                    "password2",
                ),
            },
        ),
    )


class _People(TypedDict):
    people: int  # the directorate's members, counted by DepartmentAdmin.get_queryset


@admin.register(Department)
class DepartmentAdmin(PortalAdmin):
    list_display = ("name_ru", "name_kk", "slug", "head", "people")
    search_fields = ("name_ru", "name_kk", "slug")
    prepopulated_fields = {"slug": ("name_ru",)}
    autocomplete_fields = ("head",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Department]:
        return (
            super().get_queryset(request).select_related("head").annotate(people=Count("members"))
        )

    @admin.display(description=_("people"), ordering="people")
    def people(self, obj: WithAnnotations[Department, _People]) -> int:
        return obj.people


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnly, admin.ModelAdmin):
    """The calendar is computed: it changes through a calendar correction."""

    list_display = ("date", "weekday", "is_working", "kind", "note")
    list_filter = ("is_working", "kind")
    date_hierarchy = "date"

    @admin.display(description=_("weekday"), ordering="date")
    def weekday(self, obj: CalendarDay) -> str:
        return date_format(obj.date, "l")


@admin.register(DayTransfer)
class DayTransferAdmin(PortalAdmin):
    """Every save or delete rebuilds the years it touches, so the calendar never lags behind."""

    list_display = ("date", "weekday", "kind", "reason")
    list_filter = ("kind",)
    fields = ("date", "kind", "reason")
    date_hierarchy = "date"
    search_fields = ("reason",)

    @admin.display(description=_("weekday"), ordering="date")
    def weekday(self, obj: DayTransfer) -> str:
        return date_format(obj.date, "l")

    def save_model(
        self, request: HttpRequest, obj: DayTransfer, form: forms.ModelForm[Any], change: bool
    ) -> None:
        # A date moved to another year leaves its old year to rebuild as well.
        previous_year = (
            DayTransfer.objects.filter(pk=obj.pk).values_list("date__year", flat=True).first()
        )
        super().save_model(request, obj, form, change)
        for year in {y for y in (obj.date.year, previous_year) if y is not None}:
            fill_working_calendar(year=year)

    def delete_model(self, request: HttpRequest, obj: DayTransfer) -> None:
        super().delete_model(request, obj)
        fill_working_calendar(year=obj.date.year)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[DayTransfer]) -> None:
        years = set(queryset.values_list("date__year", flat=True))
        super().delete_queryset(request, queryset)
        for year in years:
            fill_working_calendar(year=year)
