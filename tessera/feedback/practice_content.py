"""What the training patients wrote: made-up but realistic submitted worksheets (a
behavioural activation activity diary and a thought record), in English and Swedish.
Written for Tessera; no real patient's words."""

from __future__ import annotations

PATIENT = {
    "en": {"first_name": "Sam", "last_name": "Practice"},
    "sv": {"first_name": "Kim", "last_name": "Övningspatient"},
}

WORKSHEETS = {
    "en": [
        {
            "module_title": "Activity and mood",
            "title": "Activity diary",
            "has_next_task": True,
            "items": [
                {
                    "label": "What did you do each day, and how was your mood (0-10)?",
                    "value": (
                        "Monday: stayed in bed until eleven, watched TV most of the day. "
                        "Mood 2.\nTuesday: work, long day, skipped lunch. Mood 3.\n"
                        "Wednesday: cooked a proper dinner for the first time in weeks. "
                        "Mood 5.\nThursday: cancelled football with my friends, felt "
                        "guilty. Mood 2.\nSunday: went for a walk by the river with my "
                        "sister and had coffee after. Mood 6."
                    ),
                },
                {
                    "label": "What did you notice?",
                    "value": (
                        "My mood was better on the days I did something with other people "
                        "or for myself. Staying in bed did not make me rested, it made me "
                        "feel worse."
                    ),
                },
                {
                    "label": "What was hard?",
                    "value": (
                        "Getting started. On Thursday I had planned football but I could "
                        "not face it and stayed home."
                    ),
                },
            ],
        },
        {
            "module_title": "Thoughts and feelings",
            "title": "Thought record",
            "has_next_task": True,
            "items": [
                {
                    "label": "Situation",
                    "value": "My manager walked past my desk without saying hello.",
                },
                {"label": "Feelings (0-100)", "value": "Worried 70, sad 50."},
                {
                    "label": "Automatic thought",
                    "value": "She is unhappy with my work and I will lose my job.",
                },
                {
                    "label": "What speaks against the thought?",
                    "value": (
                        "She was on the phone and looked stressed. Last month she said my "
                        "report was good."
                    ),
                },
                {
                    "label": "A more balanced thought",
                    "value": (
                        "She was busy. One missed hello does not mean I am doing a bad "
                        "job. Worried 35 after writing this."
                    ),
                },
            ],
        },
    ],
    "sv": [
        {
            "module_title": "Aktivitet och mående",
            "title": "Aktivitetsdagbok",
            "has_next_task": True,
            "items": [
                {
                    "label": "Vad gjorde du varje dag, och hur var humöret (0-10)?",
                    "value": (
                        "Måndag: låg kvar i sängen till elva, tittade på tv nästan hela "
                        "dagen. Humör 2.\nTisdag: jobb, lång dag, hoppade över lunchen. "
                        "Humör 3.\nOnsdag: lagade en riktig middag för första gången på "
                        "veckor. Humör 5.\nTorsdag: ställde in fotbollen med kompisarna, "
                        "kände skuld. Humör 2.\nSöndag: promenad längs ån med min syster "
                        "och fika efteråt. Humör 6."
                    ),
                },
                {
                    "label": "Vad märkte du?",
                    "value": (
                        "Humöret var bättre de dagar jag gjorde något med andra eller för "
                        "min egen skull. Att ligga kvar i sängen gjorde mig inte utvilad, "
                        "jag mådde sämre."
                    ),
                },
                {
                    "label": "Vad var svårt?",
                    "value": (
                        "Att komma igång. I torsdags hade jag planerat fotboll men orkade "
                        "inte och stannade hemma."
                    ),
                },
            ],
        },
        {
            "module_title": "Tankar och känslor",
            "title": "Tankedagbok",
            "has_next_task": True,
            "items": [
                {"label": "Situation", "value": "Min chef gick förbi utan att säga hej."},
                {"label": "Känslor (0-100)", "value": "Orolig 70, ledsen 50."},
                {
                    "label": "Automatisk tanke",
                    "value": "Hon är missnöjd med mitt jobb och jag kommer att få sparken.",
                },
                {
                    "label": "Vad talar emot tanken?",
                    "value": (
                        "Hon pratade i telefon och såg stressad ut. Förra månaden sa hon "
                        "att min rapport var bra."
                    ),
                },
                {
                    "label": "En mer balanserad tanke",
                    "value": (
                        "Hon hade bråttom. Ett missat hej betyder inte att jag gör ett "
                        "dåligt jobb. Orolig 35 efter att jag skrev det här."
                    ),
                },
            ],
        },
    ],
}
