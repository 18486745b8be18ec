"""The Word codec: a protected form with a content control for every answer, and its reader."""

from .read import read
from .render import render

__all__ = ["read", "render"]
