"""The therapist's prioritised worklist and the patient overview."""
