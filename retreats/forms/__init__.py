"""Forms for live retreats."""
