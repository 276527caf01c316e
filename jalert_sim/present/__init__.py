"""What people see: the terminal report and map, the timeline, the drill, the SVG/PNG maps.

* ``style`` — one table of how each alert reason looks, in every medium;
* ``timeline`` — a result as timed events (the report and the drill share it);
* ``report`` and ``termmap`` — ``jalert-sim run``'s table and braille map;
* ``drill`` — the classroom drill (live screen and plain timeline);
* ``maps`` — static maps with matplotlib (the ``maps`` extra).

These talk to a :class:`~jalert_sim.simulation.result.SimulationResult`; the geography they
draw comes from :mod:`jalert_sim.geo`'s public functions.
"""
