"""The bundled content; installed as the package data `aitk_forms.content` (this file is not copied by `init`)."""
