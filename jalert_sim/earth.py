"""Every physical and legal constant the simulator uses, defined once, and the WGS84 geodesic.

Geodesy is WGS84 throughout (EPSG:4326 for lat/lon, EPSG:4978 for ECEF);
gravity constants are those of WGS84/EGM96; times are shown in JST.
"""

from __future__ import annotations

from datetime import timedelta, timezone

import pyproj

# WGS84 ellipsoid (NIMA TR8350.2).
WGS84_A_M = 6_378_137.0
WGS84_F = 1.0 / 298.257223563
WGS84_B_M = WGS84_A_M * (1.0 - WGS84_F)
#: First eccentricity squared.
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
#: Earth's gravitational parameter GM, m^3/s^2 (WGS84, including the atmosphere).
GM_M3_S2 = 3.986004418e14
#: Earth's rotation rate, rad/s (WGS84).
OMEGA_EARTH_RAD_S = 7.292115e-5
#: Second zonal harmonic, unnormalised (EGM96 C20 = -4.84165371736e-4 * sqrt(5)).
J2 = 1.082626683e-3
#: IUGG mean Earth radius R1, m and km: used only for quick spherical estimates.
MEAN_EARTH_RADIUS_M = 6_371_008.8
MEAN_EARTH_RADIUS_KM = MEAN_EARTH_RADIUS_M / 1000.0

# Law of the sea (UNCLOS arts. 3 and 57).
NAUTICAL_MILE_KM = 1.852
TERRITORIAL_SEA_KM = 12 * NAUTICAL_MILE_KM  # 22.224 km
EEZ_KM = 200 * NAUTICAL_MILE_KM  # 370.4 km

#: Japan Standard Time, UTC+9, no daylight saving.
JST = timezone(timedelta(hours=9), "JST")


def wrap_lon(lon_deg):
    """Longitude in degrees (a number or a numpy array) wrapped to [-180, 180)."""
    return (lon_deg + 180.0) % 360.0 - 180.0


#: Geodesic calculator on the WGS84 ellipsoid (Karney's algorithms; metres, azimuths in degrees).
GEOD = pyproj.Geod(ellps="WGS84")
