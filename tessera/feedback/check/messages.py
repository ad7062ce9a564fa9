"""What the check says to the therapist, and why: one message per outcome of a rule.

Strings are marked with ``_`` (a no-op here, so that makemessages finds them) and are
translated by the caller's ``translate`` function (Django's gettext in the app).
"""

from __future__ import annotations


def _(text: str) -> str:
    return text


# The finding each rule rests on (CLINICAL.md §4). "~": a practical guide, not a tested
# finding of the feedback studies. The studies are correlational, with small samples
# (Paxling 2013: 490 e-mails; Holländare 2016: 42 patients, 5 therapists; Schneider
# 2016: 41 patients): their findings are associations, not proof of what works, and the
# wording says "went with", never "works". Paxling 2013 found alliance bolstering *not*
# linked to completion.
REASONS = {
    "safety_first": _(
        "Risk before everything else: words of self-harm or suicide, or an open risk "
        "alert, call for an assessment of risk before any other advice (docs/safety.md; "
        "the PHQ-9's instructions, CLINICAL.md §5). A safety rule of this service, not a "
        "finding of the feedback studies."
    ),
    "reinforces_task": _(
        "Paxling 2013: acknowledging the work the patient did (task reinforcement) went "
        "with completing modules."
    ),
    "prompts_next_task": _(
        "Paxling 2013: prompting the next task went with completing modules. Schneider "
        "2016 found prompting alone went with less improvement, so prompt kindly and "
        "concretely."
    ),
    "affirms_encourages": _(
        "Holländare 2016: affirming and encouraging statements correlated with symptom "
        "change. Paxling 2013: empathy and building self-efficacy went with completing "
        "modules."
    ),
    "personalises": _(
        "Paxling 2013: empathetic utterances went with completing modules, but alliance "
        "bolstering did not; Holländare 2016: affirming the patient's own work correlated "
        "with symptom change. Both are small correlational studies."
    ),
    # A house rule, kept apart from any citation: Paxling 2013 counted psychoeducation
    # among therapists' eight behaviours but reported no link between it and completion
    # or outcome (CLINICAL.md §4), so the paper is named only for what it did report.
    "avoids_jargon": _(
        "House rule of this service, not a finding of any study: write in words the "
        "patient knows, because an explanation they cannot follow tells them nothing. "
        "(The feedback studies did not test this. Paxling 2013 counted psychoeducation "
        "among the eight behaviours in therapists' e-mails, but did not report it going "
        "with completion or outcome.)"
    ),
    "explains_abbreviations": _(
        "Plain language: an abbreviation the patient does not know is a word they cannot "
        "read. A house rule, not tested in the feedback studies."
    ),
    "length": _(
        "A practical guide: a reply needs room to reinforce, prompt and encourage "
        "(Paxling 2013), and therapists have about 10 to 20 minutes per patient a week."
    ),
    "sentence_length": _(
        "Readability by LIX (Björnsson 1968), for English and Swedish: long sentences and "
        "long words make a text harder to read. A practical guide."
    ),
    "no_deadline_flexibility": _(
        "Paxling 2013: deadline flexibility (“no rush”, “whenever you have "
        "time”) went with worse outcome."
    ),
    "no_placeholders": _(
        "A reply built from a template must be finished: a gap left for you to fill in "
        "tells the patient the reply was not written for them. A house rule."
    ),
}

MESSAGES = {
    ("safety_first", "words"): _(
        "Address safety first. The patient wrote %(words)s. Before any other advice, ask "
        "how they are now, point to their safety plan and the crisis contacts, and "
        "consider phoning them."
    ),
    ("safety_first", "alert"): _(
        "Address safety first. This patient has an open risk alert. Before any other "
        "advice, ask how they are now and point to their safety plan and the crisis "
        "contacts."
    ),
    ("reinforces_task", True): _("You acknowledge the work the patient did."),
    ("reinforces_task", False): _(
        "Say what the patient did well in this task, for example “Thank you for "
        "filling in your diary”."
    ),
    ("prompts_next_task", True): _("You point the patient to the next task."),
    ("prompts_next_task", False): _(
        "Name the next task and when to do it, for example “This week, try to plan "
        "one activity a day”."
    ),
    ("affirms_encourages", True): _("You affirm and encourage the patient."),
    ("affirms_encourages", False): _(
        "Add a sentence of encouragement or understanding, for example “That sounds "
        "hard, and you kept going”."
    ),
    ("personalises", True): _("You refer to what the patient wrote."),
    ("personalises", "name_only"): _(
        "You use the patient's name. Referring to something they wrote makes the reply "
        "more personal still."
    ),
    ("personalises", False): _(
        "Refer to something the patient wrote in their own words, or use their name."
    ),
    ("avoids_jargon", True): _("No clinical jargon found."),
    ("avoids_jargon", False): _("Some words may be jargon to the patient: %(words)s."),
    ("explains_abbreviations", True): _("No unexplained abbreviations."),
    ("explains_abbreviations", False): _(
        "Spell out these abbreviations in brackets the first time: %(words)s."
    ),
    ("length", True): _("A readable length (%(words)s words)."),
    ("length", "short"): _(
        "Quite short (%(words)s words). Aim for at least %(minimum)s words: thanks, the "
        "next step and some encouragement."
    ),
    ("length", "long"): _(
        "Quite long (%(words)s words). Aim for at most %(maximum)s words; the patient "
        "reads it in one sitting."
    ),
    ("sentence_length", True): _(
        "Easy to read: sentences of %(mean)s words on average, LIX %(lix)s."
    ),
    ("sentence_length", False): _(
        "Hard to read: sentences of %(mean)s words on average, the longest %(longest)s "
        "words, LIX %(lix)s (aim for %(max_lix)s or less). Split long sentences."
    ),
    ("no_deadline_flexibility", True): _("No “no rush” phrasing."),
    ("no_deadline_flexibility", False): _(
        "Avoid phrases that make the deadline optional: %(words)s. Give a day instead."
    ),
    ("no_placeholders", True): _("No template gaps left to fill in."),
    ("no_placeholders", False): _("Fill in what the template left open: %(words)s."),
}

JARGON_HINT = _("%(term)s (plainer: %(plain)s)")
