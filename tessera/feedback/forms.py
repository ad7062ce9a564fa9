"""Forms of the feedback app: they validate, nothing more."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from tessera.core.forms import UnchangedSinceDrawn

from .models import LANGUAGES, FeedbackTemplate

MAX_DRAFT = 10000


class TemplateForm(UnchangedSinceDrawn):
    """A template's title, language and text; editing, a save over a colleague's (a
    shared template) or another tab's made since the page was drawn is refused, what was
    typed kept (decision 0149)."""

    share_at = forms.TypedChoiceField(
        label=_("Who uses it"), coerce=int, empty_value=None, required=False
    )

    class Meta:
        model = FeedbackTemplate
        fields = ["title", "language", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, clinics=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["share_at"]
            return
        choices = [("", _("Only me (personal)"))]
        choices += [(c.pk, _("Everyone at %(clinic)s") % {"clinic": c.name}) for c in clinics]
        self.fields["share_at"].choices = choices
        if len(choices) == 1:
            self.fields["share_at"].widget = forms.HiddenInput()


class PracticeReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=MAX_DRAFT,
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": _("Write a reply before saving it.")},
    )
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class PracticeStartForm(forms.Form):
    clinic = forms.TypedChoiceField(label=_("Clinic"), coerce=int)
    language = forms.ChoiceField(label=_("Language of the practice patient"), choices=LANGUAGES)

    def __init__(self, *args, clinics=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clinic"].choices = [(c.pk, c.name) for c in clinics]
        if len(clinics) == 1:
            self.fields["clinic"].widget = forms.HiddenInput()
            self.fields["clinic"].initial = clinics[0].pk
