"""Hooks for other apps.

risk_answer_given is sent after a submitted questionnaire with a positive risk rule has
been committed. The patient is shown the clinic's crisis information at once by the
questionnaire view itself; the safety app connects here to open an alert for staff.
Receivers get ``response`` (a Response) and ``flags`` (the scoring engine's RiskFlags).
"""

from django.dispatch import Signal

risk_answer_given = Signal()
