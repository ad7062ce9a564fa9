"""Hooks for other apps (appointments may not import the notifications app beside it).

appointment_booked is sent inside the booking's transaction, after the appointment and
its audit row are written; receivers get ``appointment`` and ``acting_user``. The
automation app connects here to tell the patient and the therapist (issue 20).

session_change_asked is sent after a patient's request to move or cancel a session has
been committed; ``request`` is the ChangeRequest. tessera.portal.receivers tells the
therapist.
"""

from django.dispatch import Signal

appointment_booked = Signal()
session_change_asked = Signal()
