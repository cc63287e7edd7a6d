"""Views for live retreats: participants and the projector, and the facilitator side."""
