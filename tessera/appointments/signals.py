"""Hooks for other apps.

appointment_booked is sent inside the booking's transaction, after the appointment and
its audit row are written; receivers get ``appointment`` and ``acting_user``. The
automation app connects here to tell the patient and the therapist (issue 20), since
appointments may not import the notifications app beside it.
"""

from django.dispatch import Signal

appointment_booked = Signal()
