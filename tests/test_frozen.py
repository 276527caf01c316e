"""jalert_sim._frozen.quick_init: the public result dataclasses keep every dataclass behaviour."""

from __future__ import annotations

import dataclasses
import inspect
import pickle

import pytest

from jalert_sim._frozen import quick_init
from jalert_sim.alerting.model import Assessment, Impact, Message, PrefectureAlert
from jalert_sim.simulation.result import SimulationResult

dataclass_frozen = dataclasses.dataclass(frozen=True)


@pytest.mark.parametrize("cls", [PrefectureAlert, Impact, Message, Assessment, SimulationResult])
def test_signature_is_the_dataclass_one(cls):
    params = list(inspect.signature(cls).parameters.values())
    assert [p.name for p in params] == [f.name for f in dataclasses.fields(cls) if f.init]
    assert all(p.default is inspect.Parameter.empty and p.kind is p.POSITIONAL_OR_KEYWORD for p in params)


def test_quick_init_instances_behave_as_frozen_dataclasses():
    @quick_init
    @dataclass_frozen
    class Point:
        x: float
        y: float = 2.0
        tag: str = dataclasses.field(init=False, default="p")
        size: float = dataclasses.field(init=False)

        def __post_init__(self):
            object.__setattr__(self, "size", self.x + self.y)

    p = Point(1.0)
    assert (p.x, p.y, p.tag, p.size) == (1.0, 2.0, "p", 3.0)
    assert p == Point(x=1.0, y=2.0) and hash(p) == hash(Point(1.0, 2.0)) and p != Point(1.0, 3.0)
    assert repr(p) == "test_quick_init_instances_behave_as_frozen_dataclasses.<locals>.Point(x=1.0, y=2.0, tag='p', size=3.0)"
    assert dataclasses.replace(p, y=5.0).size == 6.0
    assert dataclasses.asdict(p) == {"x": 1.0, "y": 2.0, "tag": "p", "size": 3.0}
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.x = 3.0
    with pytest.raises(TypeError):
        Point()
    with pytest.raises(TypeError):
        Point(1.0, 2.0, 3.0)


def test_message_pickles_and_compares():
    m = Message(240.0, "launch", ("01", "02"), "ja", "en")
    assert pickle.loads(pickle.dumps(m)) == m == Message(time_s=240.0, kind="launch", prefectures=("01", "02"),
                                                         text_ja="ja", text_en="en")


def test_unsupported_fields_are_refused():
    with pytest.raises(TypeError):
        @quick_init
        @dataclass_frozen
        class Bag:
            items: list = dataclasses.field(default_factory=list)

