"""Time-limited consultation access and supervision notes."""
