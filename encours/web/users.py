"""User administration: create users, assign a role, deactivate. Changes go to the history."""
from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _, gettext_lazy

from encours.accounts.access import role_of
from encours.accounts.models import ROLE_LABELS, Profile
from encours.accounts.roles import Capability, Role
from encours.history.models import EventKind
from encours.history.services import record
from encours.web.decorators import requires
from encours.web.scope import company_for

ROLE_CHOICES = [(r.value, ROLE_LABELS[r]) for r in Role]


class UserForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("User name"), max_length=150)
    first_name = forms.CharField(label=gettext_lazy("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=gettext_lazy("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=ROLE_CHOICES)
    is_active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)
    password = forms.CharField(label=gettext_lazy("Password"), required=False, widget=forms.PasswordInput,
                               help_text=gettext_lazy("Leave empty to keep the current password."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is None:
            self.fields["password"].required = True
            self.fields["password"].help_text = ""

    def clean_username(self):
        name = self.cleaned_data["username"].strip()
        others = get_user_model().objects.filter(username__iexact=name)
        if self.user is not None:
            others = others.exclude(pk=self.user.pk)
        if others.exists():
            raise forms.ValidationError(_("This user name is taken."))
        return name

    def clean_password(self):
        password = self.cleaned_data["password"]
        if password:
            validate_password(password, self.user)
        return password


@requires(Capability.MANAGE_USERS)
def user_list(request):
    users = get_user_model().objects.select_related("encours_profile").order_by("username")
    return render(request, "web/users.html", {
        "nav": "users",
        "users": [{"u": u, "role": ROLE_LABELS.get(role_of(u) or "", "") if u.is_active else ""} for u in users],
    })


@requires(Capability.MANAGE_USERS)
def user_edit(request, pk: int | None = None):
    User = get_user_model()
    user = get_object_or_404(User, pk=pk) if pk else None
    initial = {}
    if user is not None:
        initial = {"username": user.username, "first_name": user.first_name, "last_name": user.last_name,
                   "email": user.email, "role": role_of(user) or "", "is_active": user.is_active}
    form = UserForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if user is not None and user == request.user and (data["role"] != Role.ADMIN or not data["is_active"]):
            form.add_error("role", _("You cannot remove your own administrator access."))
        else:
            _save(request, user, data)
            messages.success(request, _("User %(name)s saved.") % {"name": data["username"]})
            return redirect("users")
    return render(request, "web/user_edit.html", {"nav": "users", "form": form, "edited": user})


def _save(request, user, data):
    User = get_user_model()
    before = None
    with transaction.atomic():
        if user is None:
            user = User(username=data["username"])
        else:
            before = {"username": user.username, "role": role_of(user) or "", "active": user.is_active}
        for name in ("username", "first_name", "last_name", "email", "is_active"):
            setattr(user, name, data[name])
        if data["password"]:
            user.set_password(data["password"])
        user.save()
        Profile.objects.update_or_create(user=user, defaults={"role": data["role"]})
        after = {"username": user.username, "role": data["role"], "active": user.is_active}
        if before != after:
            record(company_for(request), EventKind.USER_CHANGED,
                   _("User %(name)s: role %(role)s") % {"name": user.username, "role": data["role"]},
                   actor=request.user, before=before, after=after)
