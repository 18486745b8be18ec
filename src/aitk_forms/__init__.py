"""aitk-forms: responsible-AI assessment forms for law enforcement, built from one YAML source."""

__version__ = "0.2.0"
