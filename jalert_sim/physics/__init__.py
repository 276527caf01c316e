"""The missile's flight: powered ascent, then a Kepler arc over a rotating WGS84 Earth.

* ``trajectories`` — the public face: :func:`solve` (many trajectories at once), :func:`validate`,
  :class:`Trajectories` (positions, sampling, summaries) and :class:`Track`; the model's overview;
* ``solver`` — the quasi-Newton solver for the burnout speed and flight-path angle;
* ``guess`` — its first guess, from a spherical, non-rotating ellipse;
* ``flight`` — one model evaluation: boost, then the Kepler arc to impact (apogee, impact, range);
* ``boost`` — :class:`BoostModel` and the powered ascent (Bezier path, default burn time and height);
* ``inputs`` — the input limits and the vectorised input checks;
* ``geodesy`` — WGS84 geodesics on radian arrays and their spherical twins;
* ``kepler`` — two-body free flight and the WGS84 coordinate conversions it needs.

Each module imports only those below it. Inputs and outputs are in degrees, km and seconds;
the internals in radians, metres.
"""
