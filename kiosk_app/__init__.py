"""kiosk_app."""
