"""Open an alert whenever a submitted questionnaire has a positive risk rule, or answers
sent after their questionnaire had closed do (decision 0136)."""

from django.dispatch import receiver

from tessera.treatment.signals import late_risk_answer_given, risk_answer_given

from .actions import do_open_alert_for_late_answers, do_open_alert_for_response


@receiver(risk_answer_given, dispatch_uid="safety.open_alert")
def open_alert(sender, response, flags, **kwargs) -> None:
    do_open_alert_for_response(response, flags)


@receiver(late_risk_answer_given, dispatch_uid="safety.open_alert_for_late_answers")
def open_alert_for_late_answers(sender, due, flags, acting_user, **kwargs):
    return do_open_alert_for_late_answers(due, flags, acting_user=acting_user)
