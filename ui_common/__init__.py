"""ui_common."""
