"""Views, one module per subject; every view is marked in engagements.access."""
