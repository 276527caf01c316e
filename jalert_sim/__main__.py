"""``python -m jalert_sim`` is ``jalert-sim``."""

from .cli import main

main()
