"""Living the plan's pages."""
