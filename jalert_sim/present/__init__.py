"""What people see: the terminal report and map, the timeline, the drill, the SVG/PNG maps.

* ``style`` — one table of how each alert reason looks, in every medium;
* ``timeline`` — a result as timed events and the drill's plan (the report and both drills share it);
* ``report`` and ``termmap`` — ``jalert-sim run``'s table and braille map;
* ``drill`` — the classroom drill in a terminal (live screen and plain timeline);
* ``webdrill`` and ``websvg`` — the classroom drill as one self-contained web page and its SVG
  map (template: ``assets/drill.html``, ``.css``, ``.js``);
* ``mapframe`` — the projected track, the map's box and the basemap, for both kinds of map;
* ``maps`` — static maps with matplotlib (the ``maps`` extra).

These talk to a :class:`~jalert_sim.simulation.result.SimulationResult`; the geography they
draw comes from :mod:`jalert_sim.geo`'s public functions.
"""
