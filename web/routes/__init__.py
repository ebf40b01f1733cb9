"""One router per resource: tracking pages, the board, the JSON API."""
