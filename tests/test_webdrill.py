"""`jalert-sim drill --html`: the classroom page, played in a real Chromium.

The pages are written by the real command; what they must show is taken from the real
``run --format json`` output and the terminal drill's plain timeline, never from the page's own
data. The browser is Debian's ``chromium`` driven by Playwright (no browser download); it is
launched once for the module. Without it the tests fail with a message that says what to
install; ``JALERT_SIM_NO_BROWSER=1`` turns that failure into a skip (CI never sets it).

Screenshots are kept in ``tests/artifacts/`` (git-ignored) to be looked at.
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from jalert_sim.cli import app
from jalert_sim.present.style import NOT_WARNED_FILL, REASON_STYLES

runner = CliRunner()
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = "/usr/bin/chromium"
# The machine's network is closed to the browser: no background services that try to reach out.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-default-apps", "--mute-audio"]

#: 2017-08-29: Hokkaido overflown, Aomori near the path (corridor).
OVERFLIGHT = ["--scenario", "2017-08-29"]
#: A short shot from Sinpo that comes down off the Noto Peninsula: Toyama (impact area, not
#: crossed) and Ishikawa (impact area, crossed first): every state a prefecture can go through.
IMPACT = ["--launch", "sinpo", "--azimuth", "110", "--apogee", "300", "--range", "800", "--at", "2024-01-01T10:00+09:00"]
#: 2023-07-12: a lofted ICBM that warns no one.
NO_ALERT = ["--scenario", "2023-07-12"]


def _browser_or_reason():
    if not os.path.exists(CHROMIUM):
        return None, f"{CHROMIUM} is missing: apt-get install chromium (as .ci/run does)"
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None, "the playwright package is missing: pip install '.[test]' (or pip install playwright)"
    return sync_playwright, None


@pytest.fixture(scope="module")
def browser():
    sync_playwright, reason = _browser_or_reason()
    if reason:
        if os.environ.get("JALERT_SIM_NO_BROWSER") == "1":
            pytest.skip(reason + " (JALERT_SIM_NO_BROWSER=1)")
        pytest.fail(f"the browser tests need Chromium and Playwright: {reason}; "
                    "set JALERT_SIM_NO_BROWSER=1 to skip them", pytrace=False)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def _cli(*args: str) -> str:
    out = runner.invoke(app, list(args))
    assert out.exit_code == 0, out.output
    return out.stdout


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, Path]:
    """The pages, written by the command, by name."""
    folder = tmp_path_factory.mktemp("pages")
    out = {}
    for name, args in (("overflight", OVERFLIGHT), ("impact", IMPACT), ("no_alert", NO_ALERT)):
        out[name] = folder / f"{name}.html"
        assert _cli("drill", *args, "--html", str(out[name])).strip() == f"wrote {out[name]}"
    return out


@pytest.fixture(scope="module")
def documents() -> dict[str, dict]:
    """``run --format json`` of each page's scenario."""
    return {name: json.loads(_cli("run", *args, "--format", "json"))
            for name, args in (("overflight", OVERFLIGHT), ("impact", IMPACT), ("no_alert", NO_ALERT))}


class Visit:
    """One page in a fresh browser context, with every request, console error and page error
    it caused."""

    def __init__(self, browser, path: Path, query: str = "", t: float | None = None,
                 size=(1920, 1080), reduced_motion: str = "no-preference"):
        self.context = browser.new_context(viewport={"width": size[0], "height": size[1]},
                                           reduced_motion=reduced_motion)
        self.page = self.context.new_page()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.route("**/*", self._route)
        self.page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        url = path.resolve().as_uri() + query + ("" if t is None else f"#t={t:g}")
        self.page.goto(url)
        self.page.wait_for_selector("body[data-ready=true]", timeout=10_000)

    def _route(self, route):
        url = route.request.url
        self.requests.append(url)
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            route.abort()

    def states(self) -> dict[str, str]:
        return self.page.eval_on_selector_all(
            "#prefectures .pref", "els => Object.fromEntries(els.map(e => [e.dataset.code, e.dataset.state]))")

    def t(self) -> float:
        return float(self.page.evaluate("document.body.dataset.t"))

    def banner(self) -> tuple[list[str], list[str]]:
        """The kinds of the messages on the banner, and their texts."""
        return (self.page.get_attribute("#banner", "data-kind").split(),
                self.page.eval_on_selector_all("#banner-text .msg p", "els => els.map(e => e.innerText)"))

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def visit(browser):
    opened = []

    def open_(*args, **kwargs) -> Visit:
        v = Visit(browser, *args, **kwargs)
        opened.append(v)
        return v

    yield open_
    for v in opened:
        v.close()


def _final_state(alert: dict) -> str:
    """A warned prefecture's state once the missile is down, from the JSON document: an impact
    area is ``impact``; a prefecture the track crossed, ``overflown``; one near the path, ``warned``."""
    if alert["reason"] == "impact":
        return "impact"
    return "overflown" if alert["overflight_start_s"] is not None else "warned"


def test_the_page_asks_for_nothing_but_itself_and_logs_no_error(visit, pages):
    for name, path in pages.items():
        v = visit(path, query="?speed=60")
        v.page.keyboard.press("Space")  # play: every part of the screen gets drawn
        v.page.wait_for_function("() => Number(document.body.dataset.t) > 30", timeout=10_000)
        for key in ("ArrowRight", "l", "m", "ArrowLeft"):
            v.page.keyboard.press(key)
        v.page.click("#restart")
        v.page.click("#fwd")
        v.page.fill("#seek", "100000")  # beyond the end: clamped
        assert [u for u in v.requests if not u.startswith(("file:", "data:"))] == [], name
        assert v.requests and all(u.startswith("file:") for u in v.requests[:1])
        assert v.errors == [], name
    text = pages["overflight"].read_text(encoding="utf-8")
    # Inline everything: no element loads anything (the SVG namespace is a name, not a request).
    assert not re.search(r"""\b(src|href)\s*=|url\(\s*['"]?(https?:|//)|@import""", text)
    assert set(re.findall(r"https?://[^\s\"'<>)]+", text)) <= {"http://www.w3.org/2000/svg"}


def test_at_t0_nothing_is_warned(visit, pages):
    for path in pages.values():
        v = visit(path, t=0)
        states = v.states()
        assert sorted(states) == [f"{i:02d}" for i in range(1, 48)]
        assert set(states.values()) == {"none"}
        assert v.banner()[0] == ["none"]
        assert v.t() == 0.0
        assert v.page.inner_text("#tplus") == "T+00:00"


@pytest.mark.parametrize("name", ["overflight", "impact"])
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_just_after_the_alert_the_warned_set_and_banner_are_the_documents(visit, pages, documents, name, lang):
    doc = documents[name]
    first = doc["messages"][0]
    v = visit(pages[name], query=f"?lang={lang}", t=first["time_s"] + 1)
    warned = {code for code, state in v.states().items() if state != "none"}
    assert warned == {a["code"] for a in doc["alerts"]} == set(first["prefectures"])
    # The banner shows what went out at that moment: the launch alert, and with it "take
    # shelter now" for an impact area.
    out_then = [m for m in doc["messages"] if m["time_s"] == first["time_s"]]
    assert v.banner() == ([m["kind"] for m in out_then], [m[f"text_{lang}"] for m in out_then])
    assert [m["kind"] for m in out_then] == (["launch"] if name == "overflight" else ["launch", "take_shelter_now"])
    # One second earlier, nothing was out yet.
    v.page.evaluate(f"location.hash = '#t={first['time_s'] - 1}'")
    v.page.wait_for_function(f"() => Number(document.body.dataset.t) < {first['time_s']}")
    assert set(v.states().values()) == {"none"} and v.banner()[0] == ["none"]


@pytest.mark.parametrize("name", ["overflight", "impact"])
def test_after_the_last_message_every_warned_prefecture_is_in_its_final_state(visit, pages, documents, name):
    doc = documents[name]
    last = doc["messages"][-1]
    v = visit(pages[name], query="?lang=en", t=last["time_s"] + 1)
    expected = {a["code"]: _final_state(a) for a in doc["alerts"]}
    states = v.states()
    assert {c: s for c, s in states.items() if s != "none"} == expected
    assert v.banner() == ([last["kind"]], [last["text_en"]])
    if name == "impact":  # both kinds of impact area: crossed first (Ishikawa) and not (Toyama)
        assert expected == {"16": "impact", "17": "impact"}
        assert {a["code"]: a["overflight_start_s"] is not None for a in doc["alerts"]} == {"16": False, "17": True}
        # Between the entry over Ishikawa and the fall, it is overflown and Toyama only warned.
        ishikawa = next(a for a in doc["alerts"] if a["code"] == "17")
        v.page.evaluate(f"location.hash = '#t={ishikawa['overflight_start_s'] + 1}'")
        v.page.wait_for_function(f"() => Number(document.body.dataset.t) < {doc['impact']['time_s']}")
        assert {c: s for c, s in v.states().items() if s != "none"} == {"16": "warned", "17": "overflown"}
    else:
        assert expected == {"01": "overflown", "02": "warned"}


def test_the_page_plays_the_terminal_drills_timeline(visit, pages, documents):
    """One source of events: the page's log, at the end, is the terminal drill's timeline."""
    plain = _cli("drill", *OVERFLIGHT, "--speed", "0", "--lang", "en").splitlines()
    stamps = [m.group(1) + " " + m.group(2) for line in plain
              if (m := re.match(r"(\d\d:\d\d:\d\d) JST  (T\+\d\d:\d\d)  ", line))]
    v = visit(pages["overflight"], query="?lang=en", t=100_000)
    assert v.t() == pytest.approx(max(m["time_s"] for m in documents["overflight"]["messages"]) + 5, abs=0.1)
    items = v.page.eval_on_selector_all("#log li:not([hidden])", "els => els.map(e => e.innerText)")[::-1]
    assert [i[:len(stamps[0])] for i in items] == stamps
    assert sum("J-ALERT" in i for i in items) == len(documents["overflight"]["messages"])
    # And the document in the page is run --format json's, historical block included.
    embedded = json.loads(v.page.text_content("#simulation"))
    assert embedded == documents["overflight"]


def test_playing_at_60x_moves_time_and_chimes_at_a_message(visit, pages, documents):
    first = documents["overflight"]["messages"][0]["time_s"]
    v = visit(pages["overflight"], query="?speed=60", t=first - 20)
    t0 = v.t()
    v.page.wait_for_timeout(300)
    assert v.t() == t0  # opened paused at #t
    assert v.page.get_attribute("#speeds button[data-speed='60']", "aria-pressed") == "true"
    v.page.click("#play")  # a click: the page may now make sound
    v.page.wait_for_function(f"() => Number(document.body.dataset.t) > {first + 10}", timeout=5_000)
    assert v.page.evaluate("document.body.dataset.chimes") == "1"
    assert v.banner()[0] == ["launch"]
    v.page.keyboard.press("Space")
    paused = v.t()
    v.page.wait_for_timeout(300)
    assert v.t() == paused
    v.page.keyboard.press("ArrowRight")
    assert v.t() == pytest.approx(paused + 10, abs=0.05)
    v.page.keyboard.press("m")
    assert v.page.get_attribute("#mute", "aria-pressed") == "false"
    v.page.click("#speeds button[data-speed='10']")
    v.page.keyboard.press("Space")
    v.page.wait_for_timeout(500)
    assert paused + 10 < v.t() < paused + 10 + 10 * 3  # 10x: a few seconds of flight per 0.5 s
    assert v.page.evaluate("document.body.dataset.chimes") == "1"


@pytest.mark.parametrize("motion, animation", [("no-preference", "flash"), ("reduce", "none")])
def test_reduced_motion_stops_the_banner_flash(visit, pages, documents, motion, animation):
    first = documents["overflight"]["messages"][0]["time_s"]
    v = visit(pages["overflight"], query="?speed=60", t=first - 3, reduced_motion=motion)
    v.page.keyboard.press("Space")
    v.page.wait_for_function(f"() => Number(document.body.dataset.t) > {first}", timeout=5_000)
    assert v.page.evaluate("getComputedStyle(document.getElementById('banner-text')).animationName") == animation


def _pixels_inside(v: Visit, code: str, step: int = 2, margin: int = 2) -> list[tuple[int, int]]:
    """Screen points (CSS px) inside the prefecture's own path, ``margin`` px away from its outline
    (the top element there and at the four points ``margin`` away is that path)."""
    return v.page.evaluate("""([code, step, m]) => {
        const el = document.querySelector(`#prefectures .pref[data-code="${code}"]`);
        const r = el.getBoundingClientRect(), out = [];
        const on = (x, y) => document.elementFromPoint(x, y) === el;
        for (let y = Math.ceil(r.top); y < r.bottom; y += step)
            for (let x = Math.ceil(r.left); x < r.right; x += step)
                if (on(x, y) && on(x - m, y) && on(x + m, y) && on(x, y - m) && on(x, y + m)) out.push([x, y]);
        return out;
    }""", [code, step, margin])


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def _share(image, points, colour, tolerance=6) -> float:
    """Share of ``points`` whose pixel is ``colour`` (each channel within ``tolerance``)."""
    hits = sum(all(abs(a - b) <= tolerance for a, b in zip(image.getpixel((x, y))[:3], colour)) for x, y in points)
    return hits / len(points)


@pytest.mark.parametrize("name", ["overflight", "impact"])
def test_screenshot_shows_the_warned_prefectures_in_their_colour(visit, pages, documents, name):
    from PIL import Image  # matplotlib's dependency, in the test extra

    doc = documents[name]
    ARTIFACTS.mkdir(exist_ok=True)
    t = doc["messages"][0]["time_s"] + 60
    for size in ((1920, 1080), (1280, 720)):
        v = visit(pages[name], t=t, size=size)
        shot = ARTIFACTS / f"drill-{name}-{size[0]}x{size[1]}.png"
        v.page.screenshot(path=str(shot))
        print(f"screenshot: {shot}")
        image = Image.open(shot).convert("RGB")
        assert image.size == size
        colours = image.resize((192, 108)).getcolors(maxcolors=192 * 108)
        assert len(colours) > 200  # not blank: a map, text, panels
        if size == (1920, 1080):  # (at 1280 x 720 the small ones, Ishikawa, are a few pixels across)
            before = visit(pages[name], t=0, size=size)
            before_image = Image.open(io.BytesIO(before.page.screenshot())).convert("RGB")
            for alert in doc["alerts"]:
                points = _pixels_inside(v, alert["code"])
                assert len(points) >= 10, alert["code"]
                fill = _rgb(REASON_STYLES[alert["reason"]].fill)
                # The reason's pattern, the label and the missile cover part of it; much of it shows
                # the fill itself, and nothing of the neutral fill it had before the alert.
                assert _share(image, points, fill) > 0.4, (alert["code"], alert["reason"])
                assert _share(image, points, _rgb(NOT_WARNED_FILL)) < 0.05
                assert _share(before_image, points, _rgb(NOT_WARNED_FILL)) > 0.6
                assert _share(before_image, points, fill) < 0.05
            # A prefecture away from the warned ones and their labels keeps the neutral fill.
            quiet_code = {"overflight": "20", "impact": "03"}[name]  # Nagano; Iwate
            quiet = _pixels_inside(v, quiet_code)
            assert quiet_code not in {a["code"] for a in doc["alerts"]} and len(quiet) >= 10
            assert _share(image, quiet, _rgb(NOT_WARNED_FILL)) > 0.5
        # Readable from the back: the message at least 28 px on 1920 x 1080, the clock larger;
        # at 1280 x 720 all of the screen is still in the window.
        message_px = float(v.page.evaluate("parseFloat(getComputedStyle(document.querySelector('#banner-text p[lang=en]')).fontSize)"))
        clock_px = float(v.page.evaluate("parseFloat(getComputedStyle(document.getElementById('clock')).fontSize)"))
        assert clock_px > 2 * message_px
        if size == (1920, 1080):
            assert message_px >= 28
        boxes = v.page.evaluate("""['#drill-mark', '#map', '#clock', '#banner', '#controls'].map(s => {
            const r = document.querySelector(s).getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })""")
        for left, top, right, bottom in boxes:
            assert 0 <= left < right <= size[0] + 0.5 and 0 <= top < bottom <= size[1] + 0.5
        assert v.page.evaluate("document.documentElement.scrollWidth") <= size[0]
        assert "訓練" in v.page.inner_text("#drill-mark") and "NOT A REAL WARNING" in v.page.inner_text("#drill-mark")
    if name == "overflight":  # the README's picture: the missile over Hokkaido
        hokkaido = next(a for a in doc["alerts"] if a["code"] == "01")
        v = visit(pages[name], t=round(hokkaido["overflight_start_s"]) + 30)
        assert v.states()["01"] == "overflown"
        shot = ARTIFACTS / "drill-overflight-over-hokkaido-1920x1080.png"
        v.page.screenshot(path=str(shot))
        print(f"screenshot: {shot}")


def test_a_launch_without_alert_says_so(visit, pages, documents):
    doc = documents["no_alert"]
    assert doc["alerts"] == [] and doc["messages"] == []
    v = visit(pages["no_alert"], query="?lang=en", t=doc["impact"]["time_s"] + 1)
    assert set(v.states().values()) == {"none"}
    assert v.banner() == (["none"], [doc["summary_en"]])


def test_page_size_and_options(tmp_path):
    """Under 2 MB for the built-in scenarios and a long ICBM-range flight; --lang, --speed and
    --no-bell become the page's defaults."""
    from jalert_sim.simulation.scenarios import scenarios

    for scn in (s for s in scenarios() if s.modelled):  # (one, 2023-04-13, has no path to play)
        path = tmp_path / f"{scn.id}.html"
        _cli("drill", "--scenario", scn.id, "--html", str(path))
        assert path.stat().st_size < 2_000_000, scn.id
    path = tmp_path / "icbm.html"
    _cli("drill", "--launch", "sunan", "--azimuth", "60", "--apogee", "1500", "--range", "12000",
         "--at", "2024-01-01T10:00+09:00", "--html", str(path), "--lang", "ja", "--speed", "30", "--no-bell")
    assert path.stat().st_size < 2_000_000
    data = json.loads(re.search(r'<script type="application/json" id="drill-data">(.*?)</script>',
                                path.read_text(encoding="utf-8"), re.S).group(1))
    assert (data["lang"], data["speed"], data["chime"]) == ("ja", 30.0, False)


def _one_error_line(out, option: str) -> str:
    assert out.exit_code == 2, out.output
    lines = out.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"jalert-sim: error: {option}"), out.stderr
    return lines[0]


def test_bad_html_target_is_one_line_and_exit_2(tmp_path):
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    for target in (a_file / "page.html", tmp_path, tmp_path / "missing" / "page.html"):
        out = runner.invoke(app, ["drill", *OVERFLIGHT, "--html", str(target)])
        _one_error_line(out, "--html: cannot write")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]  # no temporary file left


def test_a_read_only_page_is_replaced_only_with_force(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("the old page")
    page.chmod(0o444)
    line = _one_error_line(runner.invoke(app, ["drill", *OVERFLIGHT, "--html", str(page)]), "--html: cannot write")
    assert "--force" in line and page.read_text() == "the old page"
    _one_error_line(runner.invoke(app, ["drill", *OVERFLIGHT, "--html", str(tmp_path / "page.html") + "/"]), "--html")
    _cli("drill", *OVERFLIGHT, "--html", str(page), "--force")
    assert page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]


def test_html_with_speed_0_or_a_failing_scenario_leaves_the_file_alone(tmp_path):
    page = tmp_path / "page.html"
    page.write_text("the old page")
    _one_error_line(runner.invoke(app, ["drill", *OVERFLIGHT, "--html", str(page), "--speed", "0"]), "--speed")
    _one_error_line(runner.invoke(app, ["drill", *OVERFLIGHT, "--open"]), "--open")
    _one_error_line(runner.invoke(app, ["drill", *OVERFLIGHT, "--html", str(page), "--speed", "5000"]), "--speed")
    out = runner.invoke(app, ["drill", "--launch", "sunan", "--azimuth", "90", "--apogee", "-5", "--html", str(page)])
    assert out.exit_code == 2 and len(out.stderr.splitlines()) == 1
    assert page.read_text() == "the old page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]


def test_the_library_writes_the_same_page_as_the_command(tmp_path):
    from jalert_sim import simulate
    from jalert_sim.present.webdrill import drill_page, write_drill_page
    from jalert_sim.simulation.scenarios import scenario

    scn = scenario("2017-08-29")
    html = drill_page(simulate(**scn.simulate_kwargs()), scenario=scn)
    write_drill_page(tmp_path / "lib.html", html)
    _cli("drill", *OVERFLIGHT, "--html", str(tmp_path / "cli.html"))
    assert (tmp_path / "lib.html").read_bytes() == (tmp_path / "cli.html").read_bytes()


def test_the_template_ships_in_the_package():
    from importlib import resources

    assets = resources.files("jalert_sim.present").joinpath("assets")
    for name in ("drill.html", "drill.css", "drill.js"):
        assert assets.joinpath(name).is_file(), name
