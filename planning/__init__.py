"""The plan: mission, vision, values, the objectives-to-measures tree, drafts and approval."""
