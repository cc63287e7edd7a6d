"""Reads about engagements, one module per subject; each runs in a fixed number of queries."""
