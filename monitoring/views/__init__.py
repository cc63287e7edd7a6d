"""Living the plan's pages, one module per area."""
