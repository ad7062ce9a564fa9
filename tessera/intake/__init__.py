"""Applications, referrals, screening, triage, assessment and the waiting list."""
