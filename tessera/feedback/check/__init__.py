"""The feedback check: advice on a therapist's written reply, from published findings.

Pure Python (no Django, no network, no model): ``check_draft(text, language, context)``
returns a list of ``Remark``s, each with a code, whether it is met, a short message for
the therapist, the finding it rests on and the phrases that were matched. It never
blocks anything; it only advises. Word lists and thresholds are data in ``data/``.
See docs/feedback-check.md.
"""

from .engine import Context, Remark, check_draft

__all__ = ["Context", "Remark", "check_draft"]
