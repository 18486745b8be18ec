"""The fillable PDF codec: a tagged form whose fields are named by question id, read back by those names."""

from ...typesetting.fonts import require_fonts
from ..codec import Codec
from .fill import fill
from .read import read, sniff
from .render import render

CODEC = Codec(
    name="pdf",
    suffix=".pdf",
    per="form",
    description="fillable PDF form",
    render=render,
    read=read,
    fill=fill,
    sniff=sniff,
    needs=require_fonts,
    returns=(".pdf",),
)

__all__ = ["CODEC", "fill", "read", "render"]
