"""The inbox table's rows written in Python (``{% inbox_rows %}``, decision 0059) are
byte for byte what the template loop they replace wrote: rows of every kind (with the
worksheet's "seen" form), a therapist's own inbox and a team's, in two languages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from tests.conftest import sign_in
from tests.inbox.inbox_world import full_patient, manual_programme

pytestmark = pytest.mark.django_db

# The loop as it stood in inbox/inbox.html before decision 0059 (with the mark of a
# therapist who left, decision 0096; and a namesake told apart, decision 0128).
LOOP = """{% load i18n namesakes %}{% for item in page.object_list|namesakes %}
    <tr id="{{ item.key }}" data-kind="{{ item.kind }}">
      <td><a href="{{ item.overview_href }}">{{ item.episode.patient }}{{ item|namesake }}</a>{% if choice.team %}<br><span class="help">{{ item.episode.clinic.name }}</span>{% endif %}</td>
      {% if choice.team and not choice.therapist %}<td data-column="therapist">{{ item.episode.therapist|default_if_none:"" }}{% if not item.episode.therapist %}<em>{% translate "No therapist (unguided)" %}</em>{% elif item.episode.therapist_left %}<br><strong class="overdue" data-therapist-left="1">{% translate "Has left: needs a new therapist" %}</strong>{% endif %}</td>{% endif %}
      <td><strong>{{ item.kind_label }}:</strong> {{ item.reason }}</td>
      <td>{% if item.due %}<span class="{% if item.due.overdue %}overdue{% else %}due{% endif %}">{{ item.due.text }}</span>{% else %}—{% endif %}</td>
      <td>
        <a href="{{ item.href }}">{{ item.action }}<span class="visually-hidden">, {{ item.episode.patient }}{{ item|namesake }}: {{ item.reason }}</span></a>
        {% if item.answer_id %}
        <form method="post" action="{{ item.seen_href }}">
          {% csrf_token %}
          <input type="hidden" name="next" value="{{ request.get_full_path }}">
          <button type="submit" class="secondary">{% translate "Seen, no reply needed" %}<span class="visually-hidden">, {{ item.episode.patient }}{{ item|namesake }}: {{ item.reason }}</span></button>
        </form>
        {% endif %}
      </td>
    </tr>
  {% endfor %}"""  # noqa: E501
TAG = "{% load inbox_tags %}{% inbox_rows page.object_list choice %}"


@pytest.fixture
def full(world):
    programme = manual_programme(world.region)
    start = timezone.now() - dt.timedelta(days=30)
    full_patient(world, world["therapist"], programme, 1, start=start)
    return full_patient(world, world["therapist"], programme, 2, start=start)


@pytest.mark.parametrize("language", ["en", "sv"])
@pytest.mark.parametrize(
    ("who", "query"),
    [("therapist", ""), ("supervisor", "?therapist=all"), ("supervisor", "")],
)
def test_the_rows_are_what_the_template_loop_wrote(world, full, client, who, query, language):
    sign_in(client, world[who])
    response = client.get("/inbox/" + query + ("&" if query else "?") + "x=<b>")
    assert response.status_code == 200
    context = response.context
    rows = context["page"].object_list
    assert rows
    values = {
        "page": context["page"],
        "choice": context["choice"],
        "request": context["request"],
        "csrf_token": context["csrf_token"],
    }
    with translation.override(language):
        old = Template(LOOP).render(Context(values))
        new = Template(TAG).render(Context(values))
    assert new == old
    if who == "therapist":
        assert "csrfmiddlewaretoken" in new  # a worksheet row's form
        assert "x=%3Cb%3E" in new  # the page's own path
