from __future__ import annotations

from django.http import HttpRequest

from akimat.navigation import header_widgets, menu_for


def navigation(request: HttpRequest) -> dict[str, object]:
    """The menu for the signed-in person's roles (empty before login)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    return {"nav_items": menu_for(user, current_path=request.path)}


def header(request: HttpRequest) -> dict[str, object]:
    """The header's widgets (the bell) and their variables, for a signed-in person."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"header_templates": []}
    context: dict[str, object] = {}
    templates = []
    for widget in header_widgets():
        context.update(widget.context(request))
        templates.append(widget.template)
    context["header_templates"] = templates
    return context
