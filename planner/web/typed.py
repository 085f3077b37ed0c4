"""Typed faces of what ships without (usable) types, so the views that use them stay checked by mypy
--strict: flask_login's `login_required`, Flask-WTF's `FlaskForm`, and WTForms 3.3's `SelectChoice`, which
its stubs (types-WTForms 3.2) do not know yet. Import them from here, not from the libraries themselves;
at run time they are the libraries' own objects."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from flask_login import login_required as _login_required

__all__ = ["FlaskForm", "SelectChoice", "login_required"]

P = ParamSpec("P")
R = TypeVar("R")


def login_required(view: Callable[P, R]) -> Callable[P, R]:
    """flask_login's login_required: a signed-out person is sent to sign in; the view keeps its type."""
    wrapped: Callable[P, R] = _login_required(view)
    return wrapped


if TYPE_CHECKING:
    from markupsafe import Markup
    from wtforms import Form

    class FlaskForm(Form):
        """What mypy is told of Flask-WTF's FlaskForm: a WTForms form that reads the request and checks
        its CSRF token (the methods the views call)."""

        def is_submitted(self) -> bool: ...

        def validate_on_submit(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool: ...

        def hidden_tag(self, *fields: Any) -> Markup: ...

    def SelectChoice(value: str, label: str | None = None) -> tuple[str, str]:  # a class at run time
        """An option of a select or radio field: to the stubs, the (value, label) pair they accept."""
        ...

else:
    from flask_wtf import FlaskForm
    from wtforms.fields.choices import SelectChoice
