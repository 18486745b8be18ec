"""The Word codec: a protected form with a content control for every answer, and its reader."""

from ..codec import Codec
from .fill import fill
from .read import read, sniff
from .render import render

CODEC = Codec(
    name="docx",
    suffix=".docx",
    per="form",
    description="Word form with content controls",
    render=render,
    read=read,
    fill=fill,
    sniff=sniff,
    returns=(".docx",),
)

__all__ = ["CODEC", "fill", "read", "render"]
