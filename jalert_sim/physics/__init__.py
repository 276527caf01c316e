"""The missile's flight: powered ascent, then a Kepler arc over a rotating WGS84 Earth.

* ``trajectories`` — :func:`solve` (many trajectories at once), :class:`Trajectories`,
  :class:`Track` and :class:`BoostModel`;
* ``kepler`` — two-body free flight and the WGS84 coordinate conversions it needs.

Inputs and outputs are in degrees, km and seconds; the internals in radians, metres.
"""
