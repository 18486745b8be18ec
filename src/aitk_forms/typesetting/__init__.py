"""Typesetting shared by the codecs and the reports: WeasyPrint's set-up, the fonts of each script, Word fonts."""
