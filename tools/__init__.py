"""Developer tooling: screenshots for docs/, the kiosk harness. Not part of the installed product."""
