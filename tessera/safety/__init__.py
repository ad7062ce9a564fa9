"""Risk alerts with acknowledgement and escalation."""
