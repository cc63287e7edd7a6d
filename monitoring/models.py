"""Living the plan: the monitored plan and what people report on it."""
