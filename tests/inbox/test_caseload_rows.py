"""The caseload's rows written in Python (``{% caseload_rows %}``, decision 0102) are
byte for byte what the template loop they replace wrote: a therapist's own caseload and
a team's (with and without a therapist chosen), rows with alerts, replies, scores,
sessions and questionnaires due, inactivity, no programme, no therapist and a therapist
who left, a hostile name, in two languages and two time zones."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from tessera.appointments.actions import sessions
from tessera.core.models import User
from tests.conftest import make_patient, sign_in
from tests.inbox.inbox_world import full_patient, manual_programme, overdue

pytestmark = pytest.mark.django_db

# The loop as it stood in inbox/caseload.html before decision 0102 (with a namesake told
# apart, decision 0128).
LOOP = (
    "{% load content_language i18n namesakes treatment_tags %}"
    + """{% for row in rows|namesakes %}
    <tr id="caseload-{{ row.episode.pk }}"{% if row.needs_new_therapist %} data-needs-therapist="1"{% endif %}>
      <th scope="row">
        <a href="{% url 'episode_overview' row.episode.pk %}">{{ row.patient }}{{ row|namesake }}</a>
        {% if choice.team %}<br><span class="help">{{ row.episode.clinic.name }}</span>{% endif %}
        {% if row.needs_new_therapist %}<br><strong class="overdue" data-column="new-therapist">{% translate "Needs a new therapist" %}</strong>{% if row.episode.therapist %} <span class="help">{% blocktranslate with name=row.episode.therapist %}({{ name }} has left){% endblocktranslate %}</span>{% endif %}
        {% elif choice.team and not choice.therapist %}<br><span class="help" data-column="therapist">{% if row.episode.therapist %}{{ row.episode.therapist }}{% else %}{% translate "No therapist (unguided)" %}{% endif %}</span>{% endif %}
      </th>
      <td data-column="programme">{% if row.episode.programme_version %}{{ row.episode.programme_version.title|in_language:row.episode.programme_version.title_language }}{% else %}<em>{% translate "No programme yet" %}</em>{% endif %}<br>
        <span class="help">{% if row.week %}{% blocktranslate with week=row.week %}week {{ week }}{% endblocktranslate %}{% else %}{{ row.episode.get_status_display }}{% endif %}</span></td>
      <td data-column="scores">{% latest_scores_list row.scores %}</td>
      <td data-column="activity">{% if row.last_activity %}{{ row.last_activity|date:"SHORT_DATE_FORMAT" }}<br><span class="help">{{ row.last_activity_what }}</span>{% else %}—{% endif %}{% if row.inactive %}<br><strong class="overdue">{% translate "Inactive" %}</strong>{% endif %}</td>
      <td data-column="alerts">{% if row.alerts %}<a href="{{ row.alert_href }}" class="overdue">{% blocktranslate count count=row.alerts %}{{ count }} open alert{% plural %}{{ count }} open alerts{% endblocktranslate %}<span class="visually-hidden">, {{ row.patient }}{{ row|namesake }}</span></a>{% else %}0{% endif %}</td>
      <td data-column="due">{% if row.next_due %}{{ row.next_due.what }}<br>{% if row.next_due.overdue_since %}<strong class="overdue">{% blocktranslate with date=row.next_due.overdue_since|date:"SHORT_DATE_FORMAT" %}overdue since {{ date }}{% endblocktranslate %}</strong>{% else %}<span class="help">{% if row.next_due.is_session %}{{ row.next_due.at|date:"SHORT_DATETIME_FORMAT" }}{% else %}{{ row.next_due.at|date:"SHORT_DATE_FORMAT" }}{% endif %}</span>{% endif %}{% else %}—{% endif %}</td>
      <td data-column="reply">{% if row.reply_due %}<a href="{% url 'episode_messages' row.episode.pk %}" class="{% if row.reply_due.overdue %}overdue{% else %}due{% endif %}">{{ row.reply_due.text }}</a>{% else %}—{% endif %}</td>
    </tr>
  {% endfor %}"""  # noqa: E501
)
TAG = "{% load inbox_tags %}{% caseload_rows rows choice %}"


@pytest.fixture
def caseload_world(world):
    """Rows of every shape on the therapist's caseload, and one of a therapist who left."""
    programme = manual_programme(world.region)
    start = timezone.now() - dt.timedelta(days=30)
    full_patient(world, world["therapist"], programme, 1, start=start)
    _patient, booked = make_patient(
        world.clinic, "booked@caseload.test", therapist=world["therapist"], first="Bo"
    )
    sessions.do_book_appointment(
        booked,
        acting_user=world["therapist"],
        therapist=world["therapist"],
        kind="video",
        starts_at=timezone.now() + dt.timedelta(days=3, hours=2),
        video_link="https://video.example/room",
    )
    make_patient(
        world.clinic,
        "hostile@caseload.test",
        therapist=world["therapist"],
        first='<b>"Eve"</b>',
        last="O'Hara & co",
    )
    make_patient(world.clinic, "alone@caseload.test", first="Una")
    _patient, late = make_patient(
        world.clinic, "late@caseload.test", therapist=world["therapist"], first="Lars"
    )
    overdue(late)
    leaver = User.objects.get(pk=world["supervisor"].pk)
    make_patient(world.clinic, "left@caseload.test", therapist=leaver, first="Lef")
    return leaver


def _rendered(client, url, language, zone):
    response = client.get(url)
    assert response.status_code == 200
    context = response.context
    values = {"rows": context["rows"], "choice": context["choice"], "request": context["request"]}
    with translation.override(language), timezone.override(zone):
        old = Template(LOOP).render(Context(values))
        new = Template(TAG).render(Context(values))
    return context["rows"], old, new


@pytest.mark.parametrize(("language", "zone"), [("en", "Europe/Stockholm"), ("sv", "UTC")])
@pytest.mark.parametrize(
    ("who", "query"),
    [("therapist", ""), ("supervisor", "?therapist=all"), ("supervisor", "")],
)
def test_the_rows_are_what_the_template_loop_wrote(
    world, caseload_world, client, who, query, language, zone
):
    sign_in(client, world[who])
    rows, old, new = _rendered(client, reverse("caseload") + query, language, zone)
    assert rows
    assert new == old


def test_the_rows_cover_every_branch(world, caseload_world, client):
    """The comparison is only as good as its rows: each kind of cell appears."""
    sign_in(client, world["therapist"])
    _rows, _old, mine = _rendered(client, reverse("caseload"), "en", "Europe/Stockholm")
    for part in (
        "1 open alert",
        'class="overdue">Inactive',
        'data-change="deteriorated"',
        "week 5",
        '<td data-column="due">video<br>',  # the booked session, next due
        '<td data-column="due">PHQ-9<br><strong class="overdue">overdue since ',
        "&lt;b&gt;&quot;Eve&quot;&lt;/b&gt;",
        "O&#x27;Hara &amp; co",
        '<td data-column="reply"><a href=',
    ):
        assert part in mine, part
    assert "<b>" not in mine
    User.objects.filter(pk=caseload_world.pk).update(is_active=False)
    sign_in(client, world["manager"])
    _rows, old, team = _rendered(
        client, reverse("caseload") + "?therapist=all", "en", "Europe/Stockholm"
    )
    assert team == old
    for part in (
        'data-needs-therapist="1"',
        "Needs a new therapist",
        "has left)",
        'data-column="therapist"',
        "No therapist (unguided)",
        "No programme yet",
        '<span class="help">in treatment</span>',  # no week: the status
    ):
        assert part in team, part
