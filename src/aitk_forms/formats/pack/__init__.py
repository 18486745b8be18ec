"""The printed pack: every form of one language in a book to print, fill by hand and score on paper."""

from ...typesetting.fonts import require_fonts
from ..codec import Codec
from .render import render

CODEC = Codec(
    name="pack",
    suffix=".pdf",
    per="language",
    description="printed pack of every form",
    render=render,
    needs=require_fonts,
)

__all__ = ["CODEC", "render"]
