"""How fast a drill may play, for every medium that plays one (the terminal, a web page)."""

#: Slowest and fastest live drill, × real time: at 0.1× a 30-minute ICBM flight already lasts
#: five hours, and beyond 1,000× the whole flight passes between two screen refreshes.
MIN_SPEED, MAX_SPEED = 0.1, 1000.0


def speed_problem(speed: float) -> str | None:
    """What is wrong with ``speed`` for a live drill, or None."""
    if MIN_SPEED <= speed <= MAX_SPEED:
        return None
    return f"must be from {MIN_SPEED:g} to {MAX_SPEED:g} (× real time), got {speed:g}"
