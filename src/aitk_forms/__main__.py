"""Allow `python -m aitk_forms`."""

from .cli import main

main()
