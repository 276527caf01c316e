"""The alert model: who J-Alert warns, when, and with what messages.

* ``model`` — the leaf: the model's settings (:class:`AlertModel`), records (alerts, impact,
  messages, :class:`Reason`) and the rule that decides each prefecture's alert;
* ``engine`` — :func:`assess`, the model computed for a batch of trajectories at once;
* ``compose`` and ``messages`` — the message sequence and its wording (Japanese, English).

``tests/oracle.py`` states the same model one trajectory at a time: the engine is checked
against it.
"""
