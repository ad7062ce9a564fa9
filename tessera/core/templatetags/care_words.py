"""``{% care_text "who_reads_messages" episode %}``: the care-model words of
``tessera.core.care_words`` in templates."""

from django import template

from tessera.core import care_words

register = template.Library()

TEXTS = {
    "who_reads_messages": care_words.who_reads_messages,
    "send_worksheet_label": care_words.send_worksheet_label,
    "worksheet_sent_message": care_words.worksheet_sent_message,
    "modules_not_set_up": care_words.modules_not_set_up,
    "module_opens_later": care_words.module_opens_later,
    "safety_plan_empty": care_words.safety_plan_empty,
    "summary_therapist": care_words.summary_therapist,
}


@register.simple_tag
def care_text(name: str, episode) -> str:
    return TEXTS[name](episode)


@register.simple_tag
def session_line(appointment, to_rebook=False) -> str:
    """``{% session_line s to_rebook %}``: kind, length and therapist of a session."""
    return care_words.session_line(appointment, to_rebook=bool(to_rebook))


CLINIC_TEXTS = {
    "clinic_offer": care_words.clinic_offer,
    "after_applying": care_words.after_applying,
    "not_an_emergency": care_words.not_an_emergency,
    "session_to_rebook": care_words.session_to_rebook,
}


@register.simple_tag
def clinic_text(name: str, clinic) -> str:
    return CLINIC_TEXTS[name](clinic)
