"""People: the user (signs in by e-mail), sign-in throttling, password reset, profile, e-mail."""
