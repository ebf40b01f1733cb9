"""placeholder"""


def close_days_before(today: str) -> None:
    return None
