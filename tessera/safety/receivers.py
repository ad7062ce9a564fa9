"""Open an alert whenever a submitted questionnaire has a positive risk rule."""

from django.dispatch import receiver

from tessera.treatment.signals import risk_answer_given

from .actions import do_open_alert_for_response


@receiver(risk_answer_given, dispatch_uid="safety.open_alert")
def open_alert(sender, response, flags, **kwargs) -> None:
    do_open_alert_for_response(response, flags)
