"""Writes about engagements, one module per subject (zulip-style `actions`)."""
