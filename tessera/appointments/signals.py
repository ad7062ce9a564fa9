"""Hooks for other apps.

session_change_asked is sent after a patient's request to move or cancel a session has
been committed; ``request`` is the ChangeRequest. tessera.portal.receivers tells the
therapist (appointments and notifications sit side by side and do not import each
other)."""

from django.dispatch import Signal

session_change_asked = Signal()
