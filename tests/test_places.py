"""The launch-site and landmark catalogue, name look-ups and launch parsing."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jalert_sim.errors import InputError, UnknownNameError
from jalert_sim.geo.places import Place, landmark, landmarks, launch_site, launch_sites, parse_launch

REQUIRED_SITES = ["sunan", "sohae", "sinpo", "wonsan", "mupyong-ni", "kusong", "hamhung", "tonghae"]
REQUIRED_LANDMARKS = [
    "cape-erimo", "oshima-peninsula", "oshima-oshima", "okushiri", "sado", "kamaishi", "miyako-jima",
    "ishigaki-jima", "cape-nosappu", "dogo", "oga-peninsula", "cape-tappi", "cape-shiriya", "cape-soya",
    "tsushima", "noto-peninsula", "cape-ashizuri", "yonaguni", "chichijima", "tokyo",
]


def test_catalogue_has_the_required_places_each_with_a_source():
    assert {p.key for p in launch_sites()} >= set(REQUIRED_SITES)
    assert {p.key for p in landmarks()} >= set(REQUIRED_LANDMARKS)
    for p in (*launch_sites(), *landmarks()):
        assert isinstance(p, Place) and p.source and p.name and p.name_ja
        assert -90 <= p.lat <= 90 and -180 <= p.lon <= 180


def test_keys_are_unique_and_labels_unambiguous_within_a_kind():
    for group in (launch_sites(), landmarks()):
        owners: dict[str, set[str]] = {}
        for p in group:
            for label in (p.key, p.name, p.name_ja, *p.aliases):
                owners.setdefault(label.casefold(), set()).add(p.key)
        assert all(len(keys) == 1 for keys in owners.values()), {k: v for k, v in owners.items() if len(v) > 1}


def test_launch_sites_are_in_north_korea_and_landmarks_in_japan():
    # North Korea spans roughly 37.6-43.0 N, 124.2-130.7 E; Japan 20-46 N, 122-154 E.
    for p in launch_sites():
        assert 37.6 < p.lat < 43.0 and 124.2 < p.lon < 130.7, p
    for p in landmarks():
        assert 20 < p.lat < 46 and 122 < p.lon < 154, p


def test_sunan_matches_the_2017_08_29_launch_point():
    # jalert-sim brief: the 2017-08-29 launch was from Sunan, about 39.22 N 125.67 E.
    p = launch_site("Sunan")
    assert p.lat == pytest.approx(39.22, abs=0.02) and p.lon == pytest.approx(125.67, abs=0.02)


@pytest.mark.parametrize(
    "query, key",
    [("sunan", "sunan"), ("SUNAN", "sunan"), ("Pyongyang Airport", "sunan"), ("tongchang-ri", "sohae"),
     ("Tongchang ri", "sohae"), ("musudan-ri", "tonghae"), ("kalma", "wonsan"), ("舞水端里", "tonghae")],
)
def test_launch_site_lookup_is_case_insensitive_on_names_and_aliases(query, key):
    assert launch_site(query).key == key


@pytest.mark.parametrize("query, key", [("襟裳岬", "cape-erimo"), ("cape erimo", "cape-erimo"), ("ERIMO", "cape-erimo"),
                                        ("渡島大島", "oshima-oshima"), ("Okushiri", "okushiri"), ("島後", "dogo")])
def test_landmark_lookup(query, key):
    assert landmark(query).key == key


def test_unknown_names_suggest_close_matches():
    with pytest.raises(UnknownNameError) as err:
        launch_site("sunann")
    assert "sunan" in err.value.suggestions and err.value.parameter == "launch site"
    with pytest.raises(UnknownNameError) as err:
        landmark("Cape Erim")
    assert "cape-erimo" in err.value.suggestions
    with pytest.raises(UnknownNameError):
        launch_site("Cape Erimo")  # a landmark is not a launch site


@pytest.mark.parametrize(
    "text, expected",
    [("39.22,125.67", (39.22, 125.67)), ("39.22, 125.67", (39.22, 125.67)), (" 39.22 125.67 ", (39.22, 125.67)),
     ("39.22N,125.67E", (39.22, 125.67)), ("39.22n, 125.67e", (39.22, 125.67)), ("-33.9, 151.2", (-33.9, 151.2)),
     ("33.9S,151.2E", (-33.9, 151.2)), ("0,0", (0.0, 0.0)), ("3.922e1,1.2567E2", (39.22, 125.67)),
     ("39.22,125.67e", (39.22, 125.67))],
)
def test_parse_launch_coordinates(text, expected):
    lat, lon, place = parse_launch(text)
    assert (lat, lon) == pytest.approx(expected) and place is None


def test_parse_launch_name():
    lat, lon, place = parse_launch("Sohae")
    assert place is not None and place.key == "sohae" and (lat, lon) == (place.lat, place.lon)


@pytest.mark.parametrize("text", ["91,125", "39.2,181", "-90.5,0", "39.22", "39.22,125.67,3", "1e5,3", "", "  ",
                                  "39.22N,-125.67E", "nan,nan", "39,22,125", "1e308,0", "inf,125", "39,-Infinity"])
def test_parse_launch_rejects_bad_input_with_input_error(text):
    with pytest.raises(InputError) as err:
        parse_launch(text)
    assert err.value.parameter in ("launch", "launch site")


@pytest.mark.parametrize("text, needle", [("nan,nan", "latitude must be a finite number of degrees in -90..90 (got nan)"),
                                          ("1e308,0", "(got 1e+308)"), ("39,1e3", "longitude must be a finite"),
                                          ("39,-inf", "(got -inf)")])
def test_parse_launch_says_what_is_wrong_with_the_numbers(text, needle):
    # (these used to be "unknown launch site 'nan,nan'" and "cannot read '1e308,0'")
    with pytest.raises(InputError) as err:
        parse_launch(text)
    assert err.value.parameter == "launch" and needle in str(err.value)


@given(st.floats(-90, 90), st.floats(-180, 180))
def test_parse_launch_round_trips_any_in_range_coordinate(lat, lon):
    got_lat, got_lon, _ = parse_launch(f"{lat!r},{lon!r}" if "e" not in f"{lat!r}{lon!r}" else f"{lat:.8f},{lon:.8f}")
    assert math.isclose(got_lat, lat, abs_tol=1e-8) and math.isclose(got_lon, lon, abs_tol=1e-8)


@given(st.text(max_size=40))
def test_parse_launch_fails_only_with_input_errors(text):
    try:
        lat, lon, _ = parse_launch(text)
    except InputError:
        return
    assert -90 <= lat <= 90 and -180 <= lon <= 180
