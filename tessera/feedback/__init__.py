"""Feedback templates, the feedback check and training patients."""
