app_name = "retreats"

R = "retreats/<uuid:retreat_id>/"
A = R + "activities/<uuid:activity_id>/"

urlpatterns: list = []

# --- joining, the participant's board, the projector (retreats/views/participant.py) ---

# --- the facilitator's side: setup, console, themes, moderation, results (views/console.py) ---
