"""Size and load time of the web drill page (``jalert-sim drill --html``).

The targets (issue 18): under 2 MB for any scenario, loaded in under a second. Measured for
every catalogue scenario and for long ICBM-range flights (the longest tracks and the largest
maps): the bytes of the page, the time to build it in Python, and the time Chromium takes from
the start of navigation to the page's ``body[data-ready]`` (its script has read the data and
drawn the first moment), best of a few loads from ``file://``.

Needs Debian's ``chromium`` and ``pip install playwright`` (as the tests do).
Run: ``python benchmarks/webdrill.py [--loads 5]``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from jalert_sim import simulate
from jalert_sim.present.webdrill import drill_page, write_drill_page
from jalert_sim.simulation.scenarios import scenarios

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--mute-audio"]
#: Long flights: a 12,000 km ICBM-range shot east over Hokkaido, and one of 13,000 km to the
#: south-east (the track leaves the basemap's region).
LONG = {
    "icbm-12000km": dict(launch="sunan", azimuth_deg=60.0, apogee_km=1500.0, range_km=12000.0),
    "icbm-13000km": dict(launch="sohae", azimuth_deg=100.0, apogee_km=1200.0, range_km=13000.0),
}


def cases():
    for scn in scenarios():
        yield scn.id, simulate(**scn.simulate_kwargs()), scn
    for name, kwargs in LONG.items():
        yield name, simulate(**kwargs, launch_time="2024-01-01T10:00+09:00"), None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loads", type=int, default=5)
    loads = parser.parse_args().loads
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        print(f"{'case':<16} {'flight s':>9} {'bytes':>10} {'build s':>8} {'load ms':>8}")
        for name, result, scn in cases():
            t0 = time.perf_counter()
            html = drill_page(result, scenario=scn)
            build_s = time.perf_counter() - t0
            path = Path(folder) / f"{name}.html"
            write_drill_page(path, html)
            best = float("inf")
            for _ in range(loads):
                page = browser.new_page(viewport={"width": 1920, "height": 1080})
                page.goto(path.as_uri() + "#t=0")
                page.wait_for_selector("body[data-ready=true]")
                ready_ms = float(page.get_attribute("body", "data-ready-ms"))  # since navigation began
                best = min(best, ready_ms)
                page.close()
            print(f"{name:<16} {result.impact.time_s:>9.0f} {path.stat().st_size:>10,} {build_s:>8.2f} {best:>8.0f}")
        browser.close()


if __name__ == "__main__":
    main()
