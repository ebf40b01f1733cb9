"""``onestop demo``: the whole hall on one PC with simulated hardware."""
