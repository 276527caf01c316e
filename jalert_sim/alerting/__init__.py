"""The alert model: who J-Alert warns, when, and with what messages.

* ``model`` — the leaf: the model's settings (:class:`AlertModel`), records (alerts, impact,
  messages, :class:`Reason`) and the rule that decides each prefecture's alert;
* ``engine`` — :func:`assess`, the model computed for a batch of trajectories at once (its
  docstring says why it is fast), from its parts:

  * ``geometry`` — the footprint questions (near, inside, nearest, chords within the corridor),
    answered as shapely would but settled by guaranteed bounds where they can be;
  * ``crossings`` — where each track crosses a footprint and where it passes closest;
  * ``distances`` — the nearest point of each track to a footprint, for the closest approaches
    (bounds tightened from the distance grid; its compiled twin is ``nearest``);
  * ``impacts`` — where each impact point falls and how it is described;
  * ``arrays`` — small numpy helpers (row-wise first/last, unique and isin on sorted keys);

* ``compose`` and ``messages`` — the message sequence and its wording (Japanese, English).

``tests/oracle.py`` states the same model one trajectory at a time: the engine is checked
against it.
"""
