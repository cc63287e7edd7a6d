"""Live retreats: SWOT and brainstorm boards, themes, dot voting, the projector view."""
