"""SMART Backend Services authorisation (HL7 SMART App Launch 2, "Backend Services"):
scopes (``scopes.py``), client assertions (``assertion.py``), the token endpoint and the
discovery document (``views.py``), and the guard every API request passes (``guard.py``)."""
