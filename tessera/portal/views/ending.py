"""Ending an episode (the care team): the form, the outcome summary, the letter."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from tessera.core import access
from tessera.core.actions import record_patient_read
from tessera.core.decorators import staff_required
from tessera.core.forms import add_action_errors
from tessera.core.models import Episode
from tessera.letters.forms import LetterChoicesForm
from tessera.letters.outcome import summarise

from ..ending import do_end_episode


class EndForm(LetterChoicesForm):
    """The ending, and (where a letter will be written) its language and a few words of
    the clinician's own."""

    reason = forms.ChoiceField(
        label=gettext_lazy("How did the treatment end?"),
        choices=Episode.EndReason.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("About the ending"),
        help_text=gettext_lazy("Needed when the patient dropped out, was stepped up or moved."),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    field_order = ["reason", "note", "language", "letter_note"]

    def __init__(self, *args, clinic, with_letter: bool, **kwargs):
        super().__init__(*args, clinic=clinic, **kwargs)
        if not with_letter:
            del self.fields["language"], self.fields["letter_note"]


def _not_saved(form) -> list[tuple[str, str]]:
    """What was typed into the form of an episode that someone else ended meanwhile
    (the page was open): shown back to copy, since the form is no longer shown."""
    if not form.is_bound:
        return []
    return [
        (field.label, text)
        for name, field in form.fields.items()
        if isinstance(field.widget, forms.Textarea) and (text := form.data.get(name, "").strip())
    ]


@staff_required
def end_episode(request: HttpRequest, episode_id: int) -> HttpResponse:
    episode = (
        Episode.objects.visible_to(request.user)
        .select_related("patient", "clinic")
        .filter(pk=episode_id)
        .first()
    )
    if episode is None or not access.may_tailor_plan(request.user, episode):
        raise Http404
    refusal = access.gp_letter_refusal(episode.patient)
    form = EndForm(request.POST or None, clinic=episode.clinic, with_letter=refusal is None)
    if request.method == "POST" and form.is_valid():
        try:
            ended = do_end_episode(
                episode,
                acting_user=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                letter_language=form.cleaned_data.get("language", ""),
                letter_note=form.cleaned_data.get("letter_note", ""),
            )
        except ValidationError as exc:
            add_action_errors(form, exc)
        else:
            messages.success(request, _("The episode has ended."))
            if ended.sessions_cancelled:
                # They would not take place after the end (decision 0164).
                messages.info(
                    request,
                    ngettext(
                        "%(n)d coming session was cancelled.",
                        "%(n)d coming sessions were cancelled.",
                        ended.sessions_cancelled,
                    )
                    % {"n": ended.sessions_cancelled},
                )
            if ended.letter is not None:
                return redirect("letter_detail", pk=ended.letter.pk)
            messages.info(request, ended.no_letter_because)
            return redirect("patient_detail", pk=episode.patient_id)
    if request.method == "GET":
        record_patient_read(
            request.user, episode.patient, "episode", obj=episode, clinic=episode.clinic
        )
    return render(
        request,
        "portal/end_episode.html",
        {
            "episode": episode,
            "form": form,
            "summary": summarise(episode),
            "no_letter_because": refusal,
            "not_saved": _not_saved(form) if episode.status == Episode.Status.ENDED else [],
        },
        status=400 if form.errors else 200,
    )
