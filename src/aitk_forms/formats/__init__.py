"""The formats: one folder per codec, each registered here by value. A codec whose module fails to import
is an error, never a silent gap."""

from __future__ import annotations

from . import docx, pack, pdf, xlsx
from .codec import Codec, Probe, RawReturn, Registry, RenderOptions

CODECS = Registry()
for _module in (xlsx, docx, pdf, pack):
    CODECS.register(_module.CODEC)

__all__ = ["CODECS", "Codec", "Probe", "RawReturn", "Registry", "RenderOptions"]
