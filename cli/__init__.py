"""Command line: the `onestop` console script."""
