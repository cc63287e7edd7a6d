"""Template filters of the engagements app."""
