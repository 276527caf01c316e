"""The statistics of an ensemble, as small mergeable records: proportions with their Wilson
interval, quantiles from exact counts, and the impact points' mean and covariance.

Every record here is computed per block of samples and merged in block order, so that a
summary does not depend on how the blocks were spread over processes: counts are integers,
and the moments are merged with Chan et al.'s pairwise update in a fixed order.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np

from ..earth import WGS84_A_M, WGS84_E2

#: The normal quantile of a two-sided 95 % interval.
Z95 = 1.959963984540054
#: Quantiles are of values rounded to this, seconds: exact counts of rounded values merge exactly.
QUANTILE_STEP_S = 0.1


@dataclass(frozen=True)
class Proportion:
    """``count`` of ``total`` samples, the share ``p`` and its 95 % Wilson score interval
    (Wilson 1927; unlike the normal approximation it stays inside [0, 1] and is not of zero
    width at 0 or 1)."""

    count: int
    total: int
    p: float
    lo: float
    hi: float


def proportion(count: int, total: int) -> Proportion:
    """:class:`Proportion` of ``count`` successes in ``total`` trials (all NaN for none)."""
    count, total = int(count), int(total)
    if total <= 0:
        return Proportion(count, total, math.nan, math.nan, math.nan)
    p = count / total
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * total)) / (1 + z2 / total)
    half = Z95 * math.sqrt(p * (1 - p) / total + z2 / (4 * total * total)) / (1 + z2 / total)
    lo = 0.0 if count == 0 else max(0.0, centre - half)  # (exactly 0 and 1 at the ends, not 1e-17 off)
    hi = 1.0 if count == total else min(1.0, centre + half)
    return Proportion(count, total, p, lo, hi)


@dataclass(frozen=True)
class Counts:
    """Exact counts of values rounded to :data:`QUANTILE_STEP_S` (``keys``: the multiples,
    sorted), and the exact least and greatest values: what quantiles are read from."""

    keys: np.ndarray
    counts: np.ndarray
    least: float
    greatest: float

    @classmethod
    def of(cls, values) -> Counts:
        v = np.asarray(values, float)
        v = v[np.isfinite(v)]
        if not len(v):
            return EMPTY_COUNTS
        keys, counts = np.unique(np.round(v / QUANTILE_STEP_S).astype(np.int64), return_counts=True)
        return cls(keys, counts.astype(np.int64), float(v.min()), float(v.max()))

    def merge(self, other: Counts) -> Counts:
        if not len(other.keys):
            return self
        if not len(self.keys):
            return other
        keys, inverse = np.unique(np.concatenate([self.keys, other.keys]), return_inverse=True)
        counts = np.zeros(len(keys), np.int64)
        np.add.at(counts, inverse, np.concatenate([self.counts, other.counts]))
        return Counts(keys, counts, min(self.least, other.least), max(self.greatest, other.greatest))

    @property
    def total(self) -> int:
        return int(self.counts.sum())

    def quantile(self, q: float) -> float:
        """The ``q`` quantile (0..1; the inverse of the empirical CDF, of the rounded values),
        kept within the exact least and greatest values; NaN if there are none."""
        if not len(self.keys):
            return math.nan
        cum = np.cumsum(self.counts)
        k = int(np.searchsorted(cum, q * cum[-1], side="left"))
        value = round(float(self.keys[min(k, len(self.keys) - 1)]) * QUANTILE_STEP_S, 9)
        return min(max(value, self.least), self.greatest)


EMPTY_COUNTS = Counts(np.zeros(0, np.int64), np.zeros(0, np.int64), math.inf, -math.inf)


def ecef_unit(lat, lon) -> np.ndarray:
    """(n, 3) Earth-centred, Earth-fixed coordinates of points on the WGS84 ellipsoid (EPSG:4978),
    metres, from geodetic ``lat``/``lon`` in degrees (height 0)."""
    phi, lam = np.radians(np.asarray(lat, float)), np.radians(np.asarray(lon, float))
    n = WGS84_A_M / np.sqrt(1.0 - WGS84_E2 * np.sin(phi) ** 2)
    return np.column_stack([n * np.cos(phi) * np.cos(lam), n * np.cos(phi) * np.sin(lam),
                            n * (1.0 - WGS84_E2) * np.sin(phi)])


@dataclass(frozen=True)
class Moments:
    """Count, mean and sum of squared deviations (3 x 3) of points in ECEF metres: a block's
    impact points, merged exactly as if they had been one block (Chan, Golub & LeVeque 1979)."""

    n: int
    mean: np.ndarray
    m2: np.ndarray

    @classmethod
    def of(cls, xyz: np.ndarray) -> Moments:
        if not len(xyz):
            return EMPTY_MOMENTS
        mean = xyz.mean(axis=0)
        d = xyz - mean
        return cls(len(xyz), mean, d.T @ d)

    def merge(self, other: Moments) -> Moments:
        if other.n == 0:
            return self
        if self.n == 0:
            return other
        n = self.n + other.n
        delta = other.mean - self.mean
        mean = self.mean + delta * (other.n / n)
        return Moments(n, mean, self.m2 + other.m2 + np.outer(delta, delta) * (self.n * other.n / n))


EMPTY_MOMENTS = Moments(0, np.zeros(3), np.zeros((3, 3)))


@cache
def _to_geodetic():
    import pyproj

    return pyproj.Transformer.from_crs("EPSG:4978", "EPSG:4326", always_xy=True)


def enu_axes(lat: float, lon: float) -> np.ndarray:
    """(2, 3): the local east and north unit vectors at a point (degrees), in ECEF."""
    phi, lam = math.radians(lat), math.radians(lon)
    return np.array([[-math.sin(lam), math.cos(lam), 0.0],
                     [-math.sin(phi) * math.cos(lam), -math.sin(phi) * math.sin(lam), math.cos(phi)]])


@dataclass(frozen=True)
class Ellipse:
    """The impact points' spread in the tangent plane (east, north) at their mean: the 1σ
    ellipse's semi-axes (km) and the major axis's bearing (degrees clockwise from north,
    0 <= orientation < 180). The kσ ellipse is k times larger and holds a share 1 - exp(-k²/2)
    of a bivariate normal's points (1σ: 39.3 %, 2σ: 86.5 %). ``cov_en_km2``: the 2 x 2 sample
    covariance (east, north), km²."""

    centre_lat: float
    centre_lon: float
    semi_major_km: float
    semi_minor_km: float
    orientation_deg: float
    cov_en_km2: tuple[tuple[float, float], tuple[float, float]]

    def offsets_km(self, lat, lon) -> np.ndarray:
        """(n, 2) east and north components (km) of the chord from the centre to points (degrees)."""
        d = ecef_unit(lat, lon) - ecef_unit(self.centre_lat, self.centre_lon)
        return d @ enu_axes(self.centre_lat, self.centre_lon).T / 1000.0

    def sigmas(self, lat, lon) -> np.ndarray:
        """Per point, k such that it lies on the kσ ellipse (its Mahalanobis distance)."""
        en = self.offsets_km(lat, lon)
        inv = np.linalg.pinv(np.array(self.cov_en_km2))
        return np.sqrt(np.einsum("ni,ij,nj->n", en, inv, en))

    def outline(self, k: float, points: int = 181) -> np.ndarray:
        """(points, 2) east, north (km) of the kσ ellipse."""
        t = np.linspace(0.0, 2 * math.pi, points)
        b = math.radians(self.orientation_deg)
        major = np.array([math.sin(b), math.cos(b)])
        minor = np.array([math.cos(b), -math.sin(b)])
        return k * (np.outer(np.cos(t) * self.semi_major_km, major) + np.outer(np.sin(t) * self.semi_minor_km, minor))


def ellipse(m: Moments) -> Ellipse | None:
    """The :class:`Ellipse` of the moments' points (None for fewer than 2): centre the point of
    the ellipsoid under their ECEF mean, covariance (n - 1 in the denominator) projected on the
    east-north plane there."""
    if m.n < 2:
        return None
    lon, lat, _ = _to_geodetic().transform(*m.mean)
    axes = enu_axes(lat, lon)
    cov = axes @ (m.m2 / (m.n - 1)) @ axes.T / 1e6
    values, vectors = np.linalg.eigh(cov)  # ascending
    values = np.clip(values, 0.0, None)
    east, north = vectors[:, 1]
    orientation = math.degrees(math.atan2(east, north)) % 180.0
    if values[1] - values[0] <= 1e-12 * max(values[1], 1e-300):  # a circle (or a point): no direction
        orientation = 0.0
    return Ellipse(float(lat), float(lon), math.sqrt(values[1]), math.sqrt(values[0]), orientation,
                   ((float(cov[0, 0]), float(cov[0, 1])), (float(cov[1, 0]), float(cov[1, 1]))))
