"""The patient home's rows drawn in the view (the to-do list, the homework panel, the
next module's title, the timeline's dates, the whole timeline; issue 16) are what the
template's tags and filters drew from the same objects before: the old template text,
drawn here with Django's own tags, beside the rows the page now shows, for every demo
patient and applicant, in two languages and two time zones."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tessera.core import languages
from tessera.core.models import Episode, User
from tessera.intake import timeline
from tessera.portal.views import pages
from tests.conftest import sign_in
from tests.core.test_patient_home_html import djangos_engine

# The templates' text before the rows were drawn in the view.
DUE_BEFORE = (
    '{% load treatment_tags %}{% for d in due %}<li class="card"><a href="{% url '
    "'questionnaire_fill' d.pk %}\">{{ d.instrument|plain_name }}</a><p>{{ d|why_asked }}"
    "</p><p><strong>{% due_words d %}</strong></p>{% if several_clinics %}"
    '<p class="due-clinic">{{ d.episode.clinic.name }}</p>{% endif %}</li>{% endfor %}'
)
# The list's items drawn as HTML in the view (decision 0088).
DUE_NOW = "{{ due_html }}"
HOMEWORK_BEFORE = (
    "{% load content_language i18n %}{% for h in homework %}"
    "<strong>{{ h.step.title|in_language:h.entry.module_version.language }}</strong> "
    "{{ h.entry.module_version.title|in_language:h.entry.module_version.language }}|"
    "{% blocktranslate count n=h.this_week %}{{ n }} entry this week{% plural %}{{ n }} "
    "entries this week{% endblocktranslate %}|"
    "{% url 'diary_register' h.entry.pk h.step.position %}?next={% url 'home' %}|"
    "{% blocktranslate with title=h.step.title %}Register: {{ title }}{% endblocktranslate %}"
    "{% endfor %}"
)
HOMEWORK_NOW = (
    "{% load i18n %}{% for h in homework_rows %}"
    "<strong>{{ h.title }}</strong> {{ h.module_title }}|"
    "{% blocktranslate count n=h.this_week %}{{ n }} entry this week{% plural %}{{ n }} "
    "entries this week{% endblocktranslate %}|{{ h.register_url }}|"
    "{% blocktranslate with title=h.step_title %}Register: {{ title }}{% endblocktranslate %}"
    "{% endfor %}"
)
# The panel's loop as patient_home.html had it, whitespace and all, and the items drawn
# as HTML in the view (decision 0088).
HOMEWORK_LOOP = (
    '{% load i18n %}{% for h in homework_rows %}\n    <li class="card">\n      <p><strong>'
    '{{ h.title }}</strong> <span class="help">{{ h.module_title }}</span></p>\n      <p>'
    "{% blocktranslate count n=h.this_week %}{{ n }} entry this week{% plural %}{{ n }} "
    'entries this week{% endblocktranslate %}</p>\n      <p><a class="button" href="'
    '{{ h.register_url }}">{% blocktranslate with title=h.step_title %}Register: {{ title }}'
    "{% endblocktranslate %}</a></p>\n    </li>\n  {% endfor %}"
)
HOMEWORK_HTML = "{{ homework_html }}"
NEXT_BEFORE = (
    "{% load i18n treatment_tags %}{% if next_module %}{% blocktranslate with title=next_"
    "module.entry.module_version.title|in_language:next_module.entry.module_version.language"
    " %}Continue your module: {{ title }}{% endblocktranslate %}{% endif %}"
)
NEXT_NOW = (
    "{% load i18n %}{% if next_module %}{% blocktranslate with title=next_module_title %}"
    "Continue your module: {{ title }}{% endblocktranslate %}{% endif %}"
)
# The whole notice, and the notice drawn as HTML in the view (decision 0088).
NOTICE_BEFORE = (
    '{% load i18n treatment_tags %}{% if next_module %}<p class="notice"><a href="{% url '
    "'module_reader' next_module.entry.pk %}\">{% blocktranslate with title=next_module."
    "entry.module_version.title|in_language:next_module.entry.module_version.language %}"
    "Continue your module: {{ title }}{% endblocktranslate %}</a></p>{% endif %}"
)
NOTICE_NOW = "{{ next_module_html }}"
WHEN_BEFORE = (
    "{% load i18n %}{% for step in steps %}{% if step.when %}"
    '[{% if step.done %}{{ step.when|date:"SHORT_DATE_FORMAT" }}{% elif step.at_a_time %}'
    '{{ step.when|date:"SHORT_DATETIME_FORMAT" }}{% else %}{% blocktranslate with '
    'date=step.when|date:"SHORT_DATE_FORMAT" %}planned for {{ date }}{% endblocktranslate %}'
    "{% endif %}]{% endif %}{% endfor %}"
)
WHEN_NOW = (
    "{% for step in steps %}{% if step.when_text %}[{{ step.when_text }}]{% endif %}{% endfor %}"
)

TIMELINE_BEFORE = '{% include "intake/_timeline.html" with steps=steps %}'


@pytest.fixture
def contexts(monkeypatch):
    seen = []
    render = pages.render

    def keep(request, name, context):
        seen.append((request, context))
        return render(request, name, context)

    monkeypatch.setattr(pages, "render", keep)
    return seen


@pytest.mark.parametrize("language, zone", [("en", "Europe/Stockholm"), ("sv", "America/New_York")])
def test_the_rows_drawn_in_the_view_are_what_the_tags_drew(seeded_demo, contexts, language, zone):
    engine = djangos_engine()
    people = [
        u for u in User.objects.filter(is_active=True).order_by("pk") if not u.is_staff_member
    ]
    shown = {"due": 0, "homework": 0, "next module": 0, "when": 0, "timeline": 0}
    for person in people:
        client = Client()
        sign_in(client, person)
        session = client.session
        session[languages.LANGUAGE_SESSION_KEY] = language
        session[languages.TIME_ZONE_SESSION_KEY] = zone
        session.save()
        assert client.get(reverse("home")).status_code == 200
        request, context = contexts[-1]
        pairs = [
            ("homework", HOMEWORK_BEFORE, HOMEWORK_NOW, context),
            ("homework", HOMEWORK_LOOP, HOMEWORK_HTML, context),
            ("next module", NEXT_BEFORE, NEXT_NOW, context),
            ("next module", NOTICE_BEFORE, NOTICE_NOW, context),
        ]
        if not context["ended"]:  # the to-do list is not shown after the end
            # Each row names its clinic for a patient of two (decisions 0154, 0158: the
            # demo's Ebba has courses at Riverside and Fjordside).
            clinics = Episode.objects.own(person).values("clinic").distinct().count()
            pairs.append(("due", DUE_BEFORE, DUE_NOW, {**context, "several_clinics": clinics > 1}))
        timelines = [context["timeline"]] + [r.steps for r in context["applications"]]
        pairs += [("when", WHEN_BEFORE, WHEN_NOW, {"steps": t}) for t in timelines]
        with translation.override(language), timezone.override(zone):
            for what, before, now, values in pairs:
                old = engine.from_string(before).render(values, request)
                new = engine.from_string(now).render(values, request)
                assert new == old, (person.email, what)
                shown[what] += bool(old)
            # The whole timeline: the include the page had, and the list drawn in Python.
            for steps in timelines:
                old = engine.from_string(TIMELINE_BEFORE).render({"steps": steps}, request)
                assert timeline.drawn(steps, language) == old, (person.email, "timeline")
                shown["timeline"] += bool(steps)
    assert all(shown.values()), shown  # each kind of row was on some page
