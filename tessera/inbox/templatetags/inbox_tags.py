"""``{% inbox_rows page.object_list choice %}``: the inbox table's rows, one row per item,
written in Python (decision 0059).

The rows were a ``{% for %}`` loop in ``inbox/inbox.html``: about twenty variable
lookups a row (``item.episode.clinic.name`` and the like, each tried as a key, then as
an attribute, then called), fifty rows a page, a quarter of a team's inbox's CPU
(issue 16). Here each value is read once and escaped as ``{{ }}`` escapes it; the HTML
is byte for byte what the loop wrote (``tests/inbox/test_inbox_rows.py`` renders both).
"""

from __future__ import annotations

import html

from django import template
from django.http import QueryDict
from django.utils.formats import date_format, localize
from django.utils.safestring import mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import get_language

from tessera.core.namesakes import after_name, namesake_details
from tessera.core.reversing import reverse_cached, url_base
from tessera.core.templatetags.content_language import in_language_of
from tessera.treatment.templatetags.treatment_tags import latest_scores_list

from ..words import gettext, ngettext

register = template.Library()


def _text(value) -> str:
    """``{{ value }}`` for text and objects shown by their ``str``: autoescaped as
    ``conditional_escape`` does (``html.escape``, safe text as it is)."""
    if type(value) is str:  # most values: plain text, never safe text (a subclass)
        return html.escape(value)
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return html.escape(str(value))


@register.simple_tag(takes_context=True)
def inbox_rows(context, rows, choice):
    team = bool(choice.team)
    therapist_column = team and not choice.therapist
    seen = None
    form_tail = None
    out = []
    # What is the same for every row of a patient (the link, the name, the clinic and
    # the therapist), of a kind (its label) or of an action (its text), written once per
    # page: a page repeats a few dozen patients and a handful of labels (issue 16).
    patient_cells: dict[int, str] = {}
    labels: dict[str, str] = {}
    actions: dict[int, str] = {}
    rows = list(rows)
    names: dict[int, str] = {}  # a patient's name, told apart from a namesake's (0128)
    # Told apart from the whole caseload's people, not the page's alone.
    work = context.get("work")
    among = work.caseload.values() if work is not None else ()
    for item, said in zip(rows, namesake_details(rows, among), strict=True):
        if item.episode.pk not in names:
            names[item.episode.pk] = _text(item.episode.patient) + after_name(said)
    for item in rows:
        episode = item.episode
        name = names[episode.pk]
        cell = patient_cells.get(episode.pk)
        if cell is None:
            cell = patient_cells[episode.pk] = _patient_cells(
                item, episode, team, therapist_column, name
            )
        label = labels.get(item.kind)
        if label is None:
            label = labels[item.kind] = _text(item.kind_label)
        action = actions.get(id(item._action))
        if action is None:
            action = actions[id(item._action)] = _text(item.action)
        parts = [
            f'\n    <tr id="{_text(item.key)}" data-kind="{_text(item.kind)}">',
            cell,
            "\n      <td><strong>",
            label,
            ":</strong> ",
            _text(item.reason),
            "</td>\n      <td>",
        ]
        due = item.due
        if due:
            parts += [
                '<span class="',
                "overdue" if due.overdue else "due",
                '">',
                _text(due.text),
                "</span>",
            ]
        else:
            parts.append("—")
        # Whose row and what for, unseen, after the action's words: the same words are on
        # every row, and a screen reader's list of links shows names alone (0125).
        whose = f'<span class="visually-hidden">, {name}: {_text(item.reason)}</span>'
        parts += [
            '</td>\n      <td>\n        <a href="',
            _text(item.href),
            '">',
            action,
            whose,
            "</a>\n        ",
        ]
        if item.answer_id:
            if form_tail is None:
                form_tail = _form_tail(context)
                seen = _text(gettext("Seen, no reply needed"))
            parts += [
                '\n        <form method="post" action="',
                _text(item.seen_href),
                '">\n          ',
                form_tail,
                '">\n          <button type="submit" class="secondary">',
                seen,
                whose,
                "</button>\n        </form>\n        ",
            ]
        parts.append("\n      </td>\n    </tr>\n  ")
        out.append("".join(parts))
    return mark_safe("".join(out))  # noqa: S308 (every value above is escaped)


@register.simple_tag(takes_context=True)
def inbox_counts(context, work, kind):
    """The links to each kind of row with its count, as the template's loop wrote them
    (``tests/inbox/test_inbox_counts.py`` renders both): ``{% querystring kind=code
    page=None %}`` worked out from one copy of the query string, not a copy per link."""
    request = context.get("request")
    params = request.GET.copy() if request is not None else QueryDict(mutable=True)
    if "page" in params:
        del params["page"]
    out = []
    for code, label, count in work.counts:
        params["kind"] = code
        current = ' aria-current="page"' if kind == code else ""
        out.append(
            f'\n    <li><a href="{_text("?" + params.urlencode())}" data-kind="{_text(code)}"'
            f"{current}>{_text(label)} ({_text(localize(count))})</a></li>\n    "
        )
    return mark_safe("".join(out))  # noqa: S308 (every value above is escaped)


def _patient_cells(item, episode, team: bool, therapist_column: bool, name: str) -> str:
    """The row's patient cell and, for a team's inbox, its therapist cell: the same for
    every row of the episode."""
    parts = [
        '\n      <td><a href="',
        _text(item.overview_href),
        '">',
        name,
        "</a>",
    ]
    if team:
        parts += ['<br><span class="help">', _text(episode.clinic.name), "</span>"]
    parts.append("</td>\n      ")
    if therapist_column:
        therapist = episode.therapist
        parts += ['<td data-column="therapist">', "" if therapist is None else _text(therapist)]
        if not therapist:
            parts += ["<em>", _text(gettext("No therapist (unguided)")), "</em>"]
        elif getattr(episode, "therapist_left", False):  # the view's mark (decision 0096)
            parts += [
                '<br><strong class="overdue" data-therapist-left="1">',
                _text(gettext("Has left: needs a new therapist")),
                "</strong>",
            ]
        parts.append("</td>")
    return "".join(parts)


def _form_tail(context) -> str:
    """What ``{% csrf_token %}`` and the hidden ``next`` field write (the page's one
    token, as the template tag takes it from the context)."""
    from django.template.defaulttags import CsrfTokenNode

    token = CsrfTokenNode().render(context)
    request = context.get("request")
    path = request.get_full_path() if request is not None else ""
    return f'{token}\n          <input type="hidden" name="next" value="{_text(path)}'


@register.simple_tag(takes_context=True)
def caseload_rows(context, rows, choice):
    """``{% caseload_rows rows choice %}``: the caseload table's rows, written in Python as
    the inbox's rows are (decision 0102). The loop in ``inbox/caseload.html`` read about
    forty values a row through the template's lookups and drew three translated sentences
    and two dates per row: a third of the caseload's CPU (issue 16). The HTML is byte for
    byte what the loop wrote (``tests/inbox/test_caseload_rows.py`` renders both)."""
    team = bool(choice.team)
    base = context.render_context.get("caseload_rows_base")
    if base is None:
        base = context.render_context["caseload_rows_base"] = url_base()
    words = {
        "new": _text(gettext("Needs a new therapist")),
        "unguided": _text(gettext("No therapist (unguided)")),
        "no_programme": _text(gettext("No programme yet")),
        "inactive": _text(gettext("Inactive")),
        "overdue": _text(gettext("overdue since %(date)s")),
        "language": get_language(),
    }
    out = []
    rows = list(rows)
    for row, said in zip(rows, namesake_details(rows), strict=True):
        name = _text(row.patient) + after_name(said)  # told apart from a namesake (0128)
        out += _caseload_patient_cell(row, team, team and not choice.therapist, words, base, name)
        out += _caseload_care_cells(row, words)
        out += _caseload_next_cells(row, words, base, name)
    return mark_safe("".join(out))  # noqa: S308 (every value above is escaped)


def _caseload_patient_cell(row, team: bool, therapist_column: bool, words, base, name) -> list:
    """The row's start and its header cell: the patient, the clinic for a team, and the
    therapist (who left, none, or the one shown when the whole team is listed)."""
    episode = row.episode
    therapist = episode.therapist
    left = row.needs_new_therapist
    parts = [
        f'\n    <tr id="caseload-{_text(localize(episode.pk))}"',
        ' data-needs-therapist="1"' if left else "",
        '>\n      <th scope="row">\n        <a href="',
        _text(reverse_cached("episode_overview", [episode.pk], None, base)),
        '">',
        name,
        "</a>\n        ",
    ]
    if team:
        parts += ['<br><span class="help">', _text(episode.clinic.name), "</span>"]
    parts.append("\n        ")
    if left:
        parts += ['<br><strong class="overdue" data-column="new-therapist">', words["new"]]
        parts.append("</strong>")
        if therapist:
            name = gettext("(%(name)s has left)") % {"name": _text(therapist)}
            parts += [' <span class="help">', name, "</span>"]
        parts.append("\n        ")  # the template's line break inside this branch
    elif therapist_column:
        parts.append('<br><span class="help" data-column="therapist">')
        parts.append(_text(therapist) if therapist else words["unguided"])
        parts.append("</span>")
    parts.append("\n      </th>")
    return parts


def _caseload_care_cells(row, words) -> list:
    """The programme and week, the scores, the last activity and inactivity."""
    episode = row.episode
    parts = ['\n      <td data-column="programme">']
    version = episode.programme_version
    if version:
        title = in_language_of(version.title, version.title_language, words["language"])
        parts.append(_text(title))
    else:
        parts += ["<em>", words["no_programme"], "</em>"]
    parts.append('<br>\n        <span class="help">')
    if row.week:
        parts.append(gettext("week %(week)s") % {"week": _text(localize(row.week))})
    else:
        parts.append(_text(episode.get_status_display()))
    parts += [
        '</span></td>\n      <td data-column="scores">',
        latest_scores_list(row.scores),
        '</td>\n      <td data-column="activity">',
    ]
    if row.last_activity:
        parts += [_date(row.last_activity, "SHORT_DATE_FORMAT"), '<br><span class="help">']
        parts += [_text(row.last_activity_what), "</span>"]
    else:
        parts.append("—")
    if row.inactive:
        parts += ['<br><strong class="overdue">', words["inactive"], "</strong>"]
    parts.append("</td>")
    return parts


def _caseload_next_cells(row, words, base, name: str) -> list:
    """The open alerts, the next questionnaire or session, the reply due, and the row's
    end. The alerts' link says whose, unseen: "1 open alert" is on many rows (0128)."""
    parts = ['\n      <td data-column="alerts">']
    if row.alerts:
        count = {"count": _text(localize(row.alerts))}
        sentence = ngettext("%(count)s open alert", "%(count)s open alerts", row.alerts) % count
        whose = f'<span class="visually-hidden">, {name}</span>'
        parts += [f'<a href="{_text(row.alert_href)}" class="overdue">', sentence, whose, "</a>"]
    else:
        parts.append("0")
    parts.append('</td>\n      <td data-column="due">')
    due = row.next_due
    if due and due.overdue_since:
        day = _text(date_format(due.overdue_since, "SHORT_DATE_FORMAT"))
        parts += [_text(due.what), '<br><strong class="overdue">', words["overdue"] % {"date": day}]
        parts.append("</strong>")
    elif due:
        kind = "SHORT_DATETIME_FORMAT" if due.is_session else "SHORT_DATE_FORMAT"
        parts += [_text(due.what), '<br><span class="help">', _date(due.at, kind), "</span>"]
    else:
        parts.append("—")
    parts.append('</td>\n      <td data-column="reply">')
    reply = row.reply_due
    if reply:
        href = _text(reverse_cached("episode_messages", [row.episode.pk], None, base))
        state = "overdue" if reply.overdue else "due"
        parts += [f'<a href="{href}" class="{state}">', _text(reply.text), "</a>"]
    else:
        parts.append("—")
    parts.append("</td>\n    </tr>\n  ")
    return parts


def _date(value, format_name: str) -> str:
    """``{{ value|date:"SHORT_DATE_FORMAT" }}``: in the current time zone, localised."""
    return _text(date_format(template_localtime(value), format_name))
