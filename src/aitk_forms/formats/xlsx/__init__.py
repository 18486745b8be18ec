"""The Excel codec: a protected workbook that scores itself with plain formulas, read back by named cells."""

from ..codec import Codec
from .fill import fill
from .read import read, sniff
from .render import render

CODEC = Codec(
    name="xlsx",
    suffix=".xlsx",
    per="form",
    description="Excel workbook that scores itself",
    render=render,
    read=read,
    fill=fill,
    sniff=sniff,
    returns=(".xlsx",),
)

__all__ = ["CODEC", "fill", "read", "render"]
