"""Maps of ensembles and sweeps (SVG or PNG, matplotlib: the ``maps`` extra), drawn on the
basemap, projection and prefecture outlines of :mod:`.maps`.

* Ensemble: each prefecture shaded by P(warned), a sample of ground tracks, the impact points
  and the 1σ and 2σ ellipses of the fall area.
* Sweep: each prefecture shaded by the share of the grid's points that warn it (exposure) and,
  for a grid of two numeric parameters, a heat map of them coloured by the set of prefectures
  warned.
"""

from __future__ import annotations

import io
from functools import cache

import numpy as np

from ..geo import prefectures, to_xy
from ..simulation.ensemble import EnsembleSummary, sample_tracks
from ..simulation.sweep import AXES, SweepSummary
from .mapframe import JAPAN_BOX, PAD_M, MapBox, basemap_xy
from .maps import IMPACT_COLOUR, _add, _axes, _draw_graticule, _draw_scale_bar, _matplotlib
from .style import LAND_COLOUR, TRACK_COLOUR

#: The shades of a probability (or share), lowest first: (upper bound, colour, words). A
#: prefecture that no sample warns keeps the land colour.
SHADES = ((0.01, "#fee5d9", "under 1 %"), (0.10, "#fcbba1", "1–10 %"), (0.50, "#fb6a4a", "10–50 %"),
          (0.90, "#de2d26", "50–90 %"), (1.01, "#99000d", "90 % or more"))
ELLIPSE_COLOUR = "#08519c"


def shade(p: float) -> str | None:
    """The colour of probability ``p`` (None for 0: not shaded)."""
    if not p > 0:
        return None
    return next(colour for bound, colour, _ in SHADES if p < bound)


def _frame(lon, lat) -> MapBox:
    jx, jy = to_xy(np.array([JAPAN_BOX[0], JAPAN_BOX[2], JAPAN_BOX[0], JAPAN_BOX[2]]),
                   np.array([JAPAN_BOX[1], JAPAN_BOX[1], JAPAN_BOX[3], JAPAN_BOX[3]]))
    x, y = to_xy(np.asarray(lon, float), np.asarray(lat, float))
    x, y = np.r_[x, jx], np.r_[y, jy]
    return MapBox(x.min() - PAD_M, y.min() - PAD_M, x.max() + PAD_M, y.max() + PAD_M)


def _draw_shaded(ax, shares: dict[str, float]) -> None:
    for land in basemap_xy():
        _add(ax, land, facecolor=LAND_COLOUR, edgecolor="#9e9a8e", lw=0.4, zorder=1)
    for pref in prefectures():
        fill = shade(shares.get(pref.code, 0.0))
        _add(ax, pref.land_xy, facecolor=fill or LAND_COLOUR, edgecolor="#6d6d6d", lw=0.35, zorder=2,
             gid=f"prefecture-{pref.code}")


def _shade_handles(what: str):
    from matplotlib.patches import Patch

    return [Patch(facecolor=LAND_COLOUR, edgecolor="#6d6d6d", label=f"{what}: 0")] + [
        Patch(facecolor=colour, edgecolor="#6d6d6d", label=f"{what}: {words}") for _, colour, words in SHADES]


@cache
def _aeqd(lat: float, lon: float):
    import pyproj

    return pyproj.Transformer.from_crs(pyproj.CRS.from_proj4(
        f"+proj=aeqd +lat_0={lat} +lon_0={lon} +ellps=WGS84 +units=m"), "EPSG:4326", always_xy=True)


def _save(plt, fig, fmt: str, dpi: int, title: str) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format=fmt, dpi=dpi, bbox_inches="tight", pad_inches=0.15,
                metadata={"Title": title} if fmt == "svg" else None)
    plt.close(fig)
    return buffer.getvalue()


def _credit(ax) -> None:
    ax.text(1.0, -0.006, "jalert-sim simulation — not an official forecast. Land: R mapdata (GPL-2).",
            transform=ax.transAxes, ha="right", va="top", fontsize=6.5, color="#555555")


def ensemble_map(summary: EnsembleSummary, *, fmt: str = "png", dpi: int = 150, tracks: int = 40) -> bytes:
    """The ensemble's map as PNG or SVG bytes."""
    matplotlib, plt = _matplotlib()
    from matplotlib.lines import Line2D

    b = summary.base
    paths = sample_tracks(summary, tracks)
    pts = summary.impact_points
    lons = np.r_[[b.lon], pts[:, 1] if len(pts) else []]
    lats = np.r_[[b.lat], pts[:, 0] if len(pts) else []]
    box = _frame(lons, lats)
    title = f"How certain is the alert area? {summary.flown:,} simulated launches"
    with matplotlib.rc_context({"svg.fonttype": "none", "font.family": "DejaVu Sans", "svg.hashsalt": "jalert-sim"}):
        fig, ax = _axes(plt, box)
        _draw_graticule(ax)
        _draw_shaded(ax, {o.code: o.warned.p for o in summary.prefectures})
        for k, tr in enumerate(paths):
            lon = np.degrees(np.unwrap(np.radians(np.asarray(tr.lon, float))))
            x, y = to_xy(lon, np.asarray(tr.lat, float))
            ax.plot(x, y, color=TRACK_COLOUR, lw=0.6, alpha=0.35, zorder=5, gid=f"track-{k}")
        if len(pts):
            x, y = to_xy(pts[:, 1], pts[:, 0])
            ax.scatter(x, y, s=2, color=IMPACT_COLOUR, alpha=0.35, lw=0, zorder=6, gid="impacts")
        fall = summary.fall_area
        handles = _shade_handles("P(warned)")
        handles += [Line2D([], [], color=TRACK_COLOUR, lw=0.8, alpha=0.6, label=f"Ground tracks ({len(paths)} samples)"),
                    Line2D([], [], marker="o", ls="none", color=IMPACT_COLOUR, ms=3,
                           label=f"Impact points ({len(pts):,}" + (f", the first of {summary.flown:,})" if len(pts) < summary.flown else ")"))]
        if fall is not None and fall.ellipse is not None:
            e = fall.ellipse
            for k, ls in ((1, "-"), (2, "--")):
                en = e.outline(k) * 1000.0
                lon, lat = _aeqd(e.centre_lat, e.centre_lon).transform(en[:, 0], en[:, 1])
                x, y = to_xy(np.asarray(lon), np.asarray(lat))
                ax.plot(x, y, color=ELLIPSE_COLOUR, lw=1.4, ls=ls, zorder=7, gid=f"ellipse-{k}sigma")
            handles += [Line2D([], [], color=ELLIPSE_COLOUR, lw=1.4, label="1σ ellipse (~39 % of impacts)"),
                        Line2D([], [], color=ELLIPSE_COLOUR, lw=1.4, ls="--", label="2σ ellipse (~86 % of impacts)")]
        bx, by = to_xy(np.array([b.lon]), np.array([b.lat]))
        ax.plot(bx, by, marker="^", ms=10, color="black", mec="white", zorder=8, gid="launch")
        handles.append(Line2D([], [], marker="^", ls="none", color="black", ms=8, label="Launch site"))
        ax.legend(handles=handles, loc="lower right", fontsize=7.5, framealpha=0.92,
                  title="Share of samples that warn the prefecture", title_fontsize=7.5)
        _draw_scale_bar(ax, box)
        sub = f"fall area centre {fall.description}" if fall is not None else "no sample flies"
        ax.set_title(f"{_spread_words(summary)} — {sub}", fontsize=9, pad=6)
        ax.text(0.5, 1.035, title, transform=ax.transAxes, ha="center", va="bottom", fontsize=13, fontweight="bold")
        _credit(ax)
        fig.tight_layout(rect=(0, 0.01, 1, 0.97))
        return _save(plt, fig, fmt, dpi, title)


def _spread_words(summary: EnsembleSummary) -> str:
    b = summary.base
    site = b.site.name.split(" (")[0] if b.site else f"{b.lat:.2f}°N {b.lon:.2f}°E"
    words = {"azimuth_sd_deg": "azimuth ±{:g}° (1σ)", "apogee_sd_km": "apogee ±{:g} km (1σ)",
             "range_sd_km": "range ±{:g} km (1σ)", "launch_sd_km": "launch point ±{:g} km (1σ)",
             "azimuth_deg": "azimuth {:g}–{:g}°", "apogee_km": "apogee {:g}–{:g} km", "range_km": "range {:g}–{:g} km"}
    parts = [words[k].format(*(v if isinstance(v, list) else [v])) for k, v in summary.spreads.to_dict().items()]
    return f"{site}, azimuth {b.azimuth_deg:g}°, apogee {b.apogee_km:,.0f} km; " + (", ".join(parts) or "no spread")


#: Colours of the heat map's most frequent warned sets (the rest: OTHER_SETS).
SET_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf")
OTHER_SETS = "#7f7f7f"
NO_ALERT = "#ffffff"
CANNOT_FLY = "#000000"


def warned_sets(summary: SweepSummary, most: int = len(SET_COLOURS)) -> tuple[np.ndarray, list[str]]:
    """Per point a category: -2 cannot fly, -1 no alert, 0..most-1 the most frequent warned sets
    (most frequent first), ``most`` any other set; and the words of categories 0..most-1."""
    hit = summary.warned != 0
    keys = np.packbits(hit, axis=1)
    uniq, inverse, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    empty = ~np.unpackbits(uniq, axis=1)[:, :hit.shape[1]].any(axis=1)
    order = [k for k in np.argsort(-counts, kind="stable").tolist() if not empty[k]][:most]
    rank = np.full(len(uniq), most)
    rank[order] = np.arange(len(order))
    rank[empty] = -1
    cat = rank[inverse]
    cat[~summary.ok] = -2
    names = [p.name for p in prefectures()]
    words = []
    for k in order:
        members = [names[j] for j in np.flatnonzero(np.unpackbits(uniq[k])[:hit.shape[1]])]
        words.append(", ".join(members[:3]) + (f" +{len(members) - 3}" if len(members) > 3 else ""))
    return cat, words


def _heat_map(ax, summary: SweepSummary, axes: tuple[str, str]) -> None:
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    g = summary.grid
    cat, words = warned_sets(summary)
    names = [n for n, _ in AXES]
    i, j = names.index(axes[0]), names.index(axes[1])
    grid = cat.reshape(g.shape)
    grid = np.moveaxis(grid, (i, j), (-1, -2)).reshape(g.shape[j], g.shape[i])  # rows: axes[1], columns: axes[0]
    colours = [CANNOT_FLY, NO_ALERT, *SET_COLOURS[:len(words)], OTHER_SETS]
    xs, ys = np.asarray(g.values(axes[0]), float), np.asarray(g.values(axes[1]), float)

    def edges(v):
        if len(v) == 1:
            return np.array([v[0] - 0.5, v[0] + 0.5])
        mid = (v[1:] + v[:-1]) / 2
        return np.r_[v[0] - (mid[0] - v[0]), mid, v[-1] + (v[-1] - mid[-1])]

    ax.pcolormesh(edges(xs), edges(ys), grid + 2, cmap=ListedColormap(colours), vmin=-0.5, vmax=len(colours) - 0.5,
                  shading="flat", gid="heat-map")
    unit = dict(AXES)
    ax.set_xlabel(f"{axes[0].split('_')[0]} ({unit[axes[0]].strip()})")
    ax.set_ylabel(f"{axes[1].split('_')[0]} ({unit[axes[1]].strip()})")
    ax.set_title("What each point of the grid warns", fontsize=10)
    present = set(np.unique(cat).tolist())
    handles = [Patch(facecolor=SET_COLOURS[k], label=w) for k, w in enumerate(words)]
    if len(words) in present:
        handles.append(Patch(facecolor=OTHER_SETS, label="other sets of prefectures"))
    handles.append(Patch(facecolor=NO_ALERT, edgecolor="#999999", label="no alert"))
    if -2 in present:
        handles.append(Patch(facecolor=CANNOT_FLY, label="cannot fly"))
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=7, title="Warned",
              title_fontsize=7.5, frameon=False)


def sweep_map(summary: SweepSummary, *, fmt: str = "png", dpi: int = 150) -> bytes:
    """The sweep's exposure map (and, for a grid of two numeric parameters, its heat map) as PNG or SVG bytes."""
    matplotlib, plt = _matplotlib()

    bases = summary.grid.bases()
    box = _frame([b.lon for b in bases], [b.lat for b in bases])
    numeric = [a for a in summary.grid.varied if a != "launch"]
    heat = len(numeric) == 2 and "launch" not in summary.grid.varied
    title = f"What a grid of {summary.grid.size:,} simulated launches warns"
    with matplotlib.rc_context({"svg.fonttype": "none", "font.family": "DejaVu Sans", "svg.hashsalt": "jalert-sim"}):
        fig, ax = _axes(plt, box)
        if heat:
            fig.set_size_inches(fig.get_figwidth() * 1.9, fig.get_figheight())
            ax.set_position([0.02, 0.05, 0.5, 0.88])
            _heat_map(fig.add_axes([0.58, 0.12, 0.27, 0.76]), summary, (numeric[0], numeric[1]))
        _draw_graticule(ax)
        _draw_shaded(ax, {e.code: e.share for e in summary.exposure()})
        for b in bases:
            bx, by = to_xy(np.array([b.lon]), np.array([b.lat]))
            ax.plot(bx, by, marker="^", ms=10, color="black", mec="white", zorder=8, gid="launch")
        ax.legend(handles=_shade_handles("Share"), loc="lower right", fontsize=7.5, framealpha=0.92,
                  title="Share of the grid's points\nthat warn the prefecture", title_fontsize=7.5)
        _draw_scale_bar(ax, box)
        ax.set_title(f"{summary.flown:,} of {summary.grid.size:,} points fly; "
                     f"axes: {', '.join(summary.grid.varied) or 'none'}", fontsize=9, pad=6)
        ax.text(0.5, 1.035, title, transform=ax.transAxes, ha="center", va="bottom", fontsize=13, fontweight="bold")
        _credit(ax)
        if not heat:
            fig.tight_layout(rect=(0, 0.01, 1, 0.97))
        return _save(plt, fig, fmt, dpi, title)
