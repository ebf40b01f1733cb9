"""admin_app."""
