"""The codecs' and reports' templates; installed as the package data `aitk_forms.templates`."""
