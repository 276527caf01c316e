"""The solver's first guess of the burnout conditions: a spherical, non-rotating ellipse.

The surface-to-surface ellipse with the requested apogee and range (or the
minimum-energy one), aimed ahead by the target's drift with the Earth on
given-range shots, its speed taken at the boost model's burnout height and made
Earth-relative. Tens of km off the model's answer; Newton (:mod:`.solver`) takes it
from there. Speeds m/s, angles rad, distances m.
"""

from __future__ import annotations

import math

import numpy as np

from ..earth import GM_M3_S2, MEAN_EARTH_RADIUS_M, OMEGA_EARTH_RAD_S
from .boost import BoostModel, ascent
from .flight import Launches
from .kepler import fast_clip

__all__ = ["initial_guess"]


def _ellipse_through_surface(half, ra):
    """Eccentricity, semi-latus rectum and semi-major axis (m) of the ellipse with apoapsis radius
    ra (m) through two points on the mean sphere ``half`` (rad) either side of its apse line."""
    r = MEAN_EARTH_RADIUS_M
    e = (ra - r) / (ra - r * np.cos(half))
    p = ra * (1 - e)
    return e, p, p / (1 - e * e)


def initial_guess(launches: Launches, range_m, boost: BoostModel):
    """Burnout (speed, flight-path angle) from a spherical, non-rotating surface-to-surface ellipse."""
    r = MEAN_EARTH_RADIUS_M
    apogee_m, az = launches.apogee_m, launches.az
    ra = r + apogee_m
    me = np.isnan(range_m)
    cos_lat, sin_az = np.cos(launches.lat), np.sin(az)
    # Minimum-energy ellipse between two points at radius r: r_a = r/2 (1 + sin(x) + cos(x)), x = half angle.
    half_me = np.arcsin(fast_clip(ra * (2 / (r * math.sqrt(2))) - 1 / math.sqrt(2), -1, 1)) - math.pi / 4
    half = np.where(me, half_me, range_m / (2 * r))
    e, p, a = _ellipse_through_surface(half, ra)
    if not me.all():
        # The target moves east with the Earth during the flight: aim the inertial arc
        # that much farther along the azimuth (the dominant error for lofted shots).
        ecc = np.arccos(fast_clip((1 - r / a) / e, -1, 1))
        flight = 2 * (np.pi - (ecc - e * np.sin(ecc))) * np.sqrt(a * a * a / GM_M3_S2)
        drift = (OMEGA_EARTH_RAD_S * r) * cos_lat * sin_az * flight
        half = np.where(me, half_me, fast_clip(range_m + drift, 0.02 * r, 3.0 * r) / (2 * r))
        e, p, a = _ellipse_through_surface(half, ra)
    v_surface = np.sqrt(GM_M3_S2 * (2 / r - 1 / a))
    momentum = r * v_surface * fast_clip(np.sqrt(GM_M3_S2 * p) / (r * v_surface), -1, 1)
    ground = OMEGA_EARTH_RAD_S * cos_lat
    cos_az = np.cos(az)
    # The burnout height follows from the boost model at the Earth-relative burnout speed and
    # angle, which depend on the height: two passes, the first with the surface values.
    speed, gamma = v_surface, np.full(v_surface.shape, 0.6)
    energy = v_surface * v_surface - 2 * GM_M3_S2 / r
    for _ in range(2):
        height = ascent(speed, gamma, apogee_m, boost).height_m
        rb = r + height
        vb = np.sqrt(np.maximum(energy + 2 * GM_M3_S2 / rb, 1e4))
        cos_gb = fast_clip(momentum / (rb * vb), 0, 1)
        vh, vu = vb * cos_gb, vb * np.sqrt(1.0 - cos_gb * cos_gb)
        # Subtract the ground's eastward speed to get an Earth-relative guess.
        ve = vh * sin_az - ground * rb
        vn = vh * cos_az
        vh_rel = np.sqrt(ve * ve + vn * vn)
        speed = np.sqrt(vh_rel * vh_rel + vu * vu)
        gamma = np.arctan2(vu, vh_rel)
    return speed, gamma
