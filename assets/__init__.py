"""Data shipped with onestop-queue: voice clips (voice/<lang>/), fonts."""
