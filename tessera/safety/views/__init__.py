"""Safety's pages: risk alerts (``alerts``) and the safety plan (``plans``)."""
