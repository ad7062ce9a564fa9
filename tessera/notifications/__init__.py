"""Telling people there is something to read: e-mail and SMS senders and the send log.

Never clinical content."""
