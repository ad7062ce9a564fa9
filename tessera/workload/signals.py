"""Signals workload sends; apps above it listen (workload imports none of them).

``time_recorded`` (``episode_id``, ``seconds``): seconds were added to (or, negative,
taken from) the time recorded on an episode, inside the action's transaction. The
reports app keeps each course's total on its outcome row with it (decision 0039).
"""

from django.dispatch import Signal

time_recorded = Signal()
