"""display_app."""
