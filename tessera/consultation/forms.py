"""Forms for asking a colleague, commenting and supervision notes. They only validate."""

from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

SUPERVISOR = "supervisor"

DURATIONS = [
    (24, _("1 day")),
    (72, _("3 days")),
    (168, _("7 days")),
    (336, _("14 days")),
]


class SubmissionKeyMixin(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)


class AskForm(SubmissionKeyMixin):
    to = forms.ChoiceField(label=_("Who do you want to ask?"))
    question = forms.CharField(
        label=_("Your question"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Only you and the person you ask will read the question and the replies."),
    )
    hours = forms.TypedChoiceField(
        label=_("How long may they see this patient's record?"),
        choices=DURATIONS,
        coerce=int,
        initial=72,
        help_text=_("Access ends by itself then, or earlier when you end the consultation."),
    )
    draft = forms.CharField(
        label=_("A draft you want reviewed (optional)"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("For example a reply to the patient that you have not sent yet."),
    )

    def __init__(self, *args, colleagues=(), has_supervisor=False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("Choose…"))]
        if has_supervisor:
            choices.append((SUPERVISOR, _("The clinic's supervisor")))
        choices += [(str(u.pk), u.get_full_name() or u.email) for u in colleagues]
        self.fields["to"].choices = choices
        self.colleagues = {str(u.pk): u for u in colleagues}

    def addressee(self):
        """(colleague, to_supervisors) for a valid form."""
        to = self.cleaned_data["to"]
        return (None, True) if to == SUPERVISOR else (self.colleagues[to], False)


class CommentForm(SubmissionKeyMixin):
    text = forms.CharField(
        label=_("Your comment"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )


class SupervisionNoteForm(SubmissionKeyMixin):
    text = forms.CharField(
        label=_("Supervision note"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )
