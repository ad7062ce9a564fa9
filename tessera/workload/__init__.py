"""Time spent on each patient, caseloads and the share of the week online."""
