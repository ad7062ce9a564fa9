"""A letter written to an organisation with a registered record endpoint is sent there
(``letters_out``). Listening to the letter being saved keeps letters unaware of fhir
(fhir sits above letters in the layers)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from tessera.letters.models import Letter

from .letters_out import plan_delivery


@receiver(post_save, sender=Letter, dispatch_uid="fhir.letter_to_record")
def letter_written(sender, instance, created, **kwargs) -> None:
    if created:
        plan_delivery(instance)
