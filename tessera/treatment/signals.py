"""Hooks for other apps.

risk_answer_given is sent after a submitted questionnaire with a positive risk rule has
been committed. The patient is shown the clinic's crisis information at once by the
questionnaire view itself; the safety app connects here to open an alert for staff.
Receivers get ``response`` (a Response) and ``flags`` (the scoring engine's RiskFlags).

late_risk_answer_given is sent, inside the patient's request and its transaction, when
answers sent to a questionnaire that had already closed (``DueMeasure.takes_answers``)
reach a risk rule: nothing is stored as a response, but the risk answer must still reach
the clinic. Receivers get ``due``, ``flags`` and ``acting_user`` and return the alert
they opened (decision 0136).
"""

from django.dispatch import Signal

risk_answer_given = Signal()
late_risk_answer_given = Signal()
