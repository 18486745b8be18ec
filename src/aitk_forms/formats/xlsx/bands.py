"""The band of each level on the About sheet: the wording lives in the shared `aitk_forms.bands`, which the
printed pack's scoring guide uses too; kept here so the sheet's code names what it prints."""

from __future__ import annotations

from ...bands import band_texts

__all__ = ["band_texts"]
