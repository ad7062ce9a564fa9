"""Example drafts, hand-labelled with the remarks a careful reader expects: the codes
that are NOT met. Every other remark is expected to be met."""

from __future__ import annotations

ANNA_DIARY = (
    "Monday: stayed in bed until eleven, watched TV. Mood 2. Tuesday: work, long day, "
    "felt heavy. Sunday: went for a walk by the river with my sister, had coffee after. "
    "Mood 6, felt a bit lighter."
)
ERIK_DAGBOK = (
    "Måndag: låg kvar i sängen till elva. Humör 2. Tisdag: jobbade, lång dag, kändes "
    "tungt. Söndag: promenad längs ån med min syster, fikade efteråt. Humör 6, lite lättare."
)

CASES = [
    {
        "id": "en-good",
        "language": "en",
        "name": "Anna",
        "patient": ANNA_DIARY,
        "draft": (
            "Hi Anna,\n\nThank you for filling in your activity diary this week. I can see "
            "that the walk by the river with your sister on Sunday lifted your mood from 2 "
            "to 6. That is a real step. It makes sense that Tuesday felt heavy after a long "
            "day at work.\n\nThis week, try to plan one small activity each day, like the "
            "walk. Write down your mood before and after. Keep going, you are on the right "
            "track!\n\nBest wishes,\nTove"
        ),
        "unmet": set(),
    },
    {
        "id": "en-too-short",
        "language": "en",
        "name": "Anna",
        "patient": ANNA_DIARY,
        "draft": "Thanks, looks fine. Carry on with the next module.",
        "unmet": {"reinforces_task", "affirms_encourages", "personalises", "length"},
    },
    {
        "id": "en-no-rush-jargon",
        "language": "en",
        "name": "Anna",
        "patient": ANNA_DIARY,
        "draft": (
            "Dear Anna, well done on the diary. Your walk with your sister on Sunday shows "
            "how behavioural activation works. Rumination on Monday probably kept your mood "
            "low. There is no rush with the next module: take as long as you need, and do it "
            "whenever you have time. Remember that CBT takes practice. That sounds hard, and "
            "you can do it."
        ),
        "unmet": {"avoids_jargon", "explains_abbreviations", "no_deadline_flexibility"},
    },
    {
        "id": "en-long-sentences",
        "language": "en",
        "name": "Anna",
        "patient": ANNA_DIARY,
        "draft": (
            "Hi Anna, thank you for completing the registration of your daily activities, "
            "which demonstrates considerable commitment and provides valuable information "
            "regarding the relationship between your engagement in meaningful activities, "
            "such as the walk with your sister, and your subsequent emotional experience, "
            "which is precisely the relationship that the following module will investigate "
            "systematically, so I would recommend continuing the registration and "
            "proceeding to the following module during the coming week because consistent "
            "practice is important and you are doing well."
        ),
        "unmet": {"sentence_length"},
    },
    {
        "id": "en-explained-abbreviation",
        "language": "en",
        "name": "Sam",
        "patient": "I felt my heart race on the bus and I got off early.",
        "draft": (
            "Hi Sam, thank you for writing about the bus. Your heart raced and you got off "
            "early: that is understandable, and it is a common reaction. In cognitive "
            "behavioural therapy (CBT) we look at what happens next. This week, try to stay "
            "on the bus for one more stop. Keep it up, you are making progress."
        ),
        "unmet": set(),
    },
    {
        "id": "en-name-only",
        "language": "en",
        "name": "Anna",
        "patient": ANNA_DIARY,
        "draft": (
            "Hello Anna, thank you for sending in the worksheet. Good work. This week, try "
            "to read the next module and do its exercise. Keep it up. I believe in you, and "
            "I look forward to hearing how it goes for you."
        ),
        # name-only counts as met, with a nudge in the message
        "unmet": set(),
    },
    {
        "id": "sv-good",
        "language": "sv",
        "name": "Erik",
        "patient": ERIK_DAGBOK,
        "draft": (
            "Hej Erik!\n\nTack för att du fyllde i din aktivitetsdagbok. Jag ser att "
            "promenaden längs ån med din syster i söndags lyfte humöret från 2 till 6. Det "
            "är ett viktigt steg. Det är förståeligt att tisdagen kändes tung efter en lång "
            "dag på jobbet.\n\nDen här veckan kan du planera in en liten aktivitet varje "
            "dag, som promenaden. Skriv ner humöret före och efter. Fortsätt så, du är på "
            "rätt väg!\n\nHälsningar\nTove"
        ),
        "unmet": set(),
    },
    {
        "id": "sv-ingen-bradska",
        "language": "sv",
        "name": "Erik",
        "patient": ERIK_DAGBOK,
        "draft": (
            "Hej Erik, tack för din dagbok. Promenaden med din syster i söndags verkar ha "
            "gjort gott. Det finns ingen brådska med nästa modul, gör den när du hinner. "
            "Fortsätt så, det är ett bra steg och du klarar det. Vi hörs igen om en vecka, "
            "hör av dig om något är oklart."
        ),
        "unmet": {"no_deadline_flexibility"},
    },
    {
        "id": "sv-jargon-short",
        "language": "sv",
        "name": "Erik",
        "patient": ERIK_DAGBOK,
        "draft": "Bra. Din ruminering minskar med beteendeaktivering enligt KBT.",
        "unmet": {
            "reinforces_task",
            "prompts_next_task",
            "affirms_encourages",
            "personalises",
            "avoids_jargon",
            "explains_abbreviations",
            "length",
        },
    },
    {
        "id": "sv-no-next-task",
        "language": "sv",
        "name": "Erik",
        "patient": ERIK_DAGBOK,
        "has_next_task": False,
        "draft": (
            "Hej Erik, tack för att du skrev i dagboken hela veckan. Jag ser att söndagens "
            "promenad med din syster gav ett bättre humör. Det låter som att du har hittat "
            "något som hjälper dig. Du kan vara stolt över arbetet du har gjort under "
            "behandlingen. Ta med dig promenaderna framåt."
        ),
        "unmet": set(),
    },
]
