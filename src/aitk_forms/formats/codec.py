"""The contract every format keeps, and the one registry that the CLI, build, sample, the importer's
recognition and the reports ask about formats."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..identity import Decision
    from ..model import Content, Form
    from ..problems import Problem


@dataclass(frozen=True)
class RenderOptions:
    """What a build may ask of every renderer beyond the form and language."""

    paper: str = "a4"  # the printed pack's paper size
    round: str | None = None  # written into the identity and shown on the form
    unit: str | None = None  # the unit assessed, for a personalised form


DEFAULT_OPTIONS = RenderOptions()


@dataclass(frozen=True)
class Probe:
    """What recognition knows of a returned file before a codec reads it."""

    head: bytes  # the first kilobyte
    zip_names: frozenset[str] = frozenset()  # the parts of a zip archive, empty for other files


@dataclass(frozen=True)
class RawReturn:
    """What a reader found in a returned file: the decision on its identity, its answers by question id
    as the file holds them (decoded from the format, not yet validated) and the format's own problems."""

    decision: Decision
    answers: dict
    problems: tuple[Problem, ...] = ()
    saved_at: str | None = None  # the save time the file records (ISO 8601), for the duplicate rule


Render = Callable[["Content", "Form | None", str, Path, RenderOptions], None]
Read = Callable[[Path, "Content"], RawReturn]
Fill = Callable[["Content", "Form", str, Path, Path, dict], None]


@dataclass(frozen=True)
class Codec:
    name: str
    suffix: str
    per: str  # "form": one file per form; "language": one file per language (the printed pack)
    description: str
    render: Render
    read: Read | None = None  # None: the format does not come back
    fill: Fill | None = None  # types sample answers into a built file
    sniff: Callable[[Probe], bool] | None = None  # is this returned file mine?
    needs: Callable[[str], None] | None = None  # raises MissingDependency when the machine lacks what `lang` needs
    returns: tuple[str, ...] = field(default=())  # suffixes a returned file of this format may carry

    def output_name(self, form_id: str) -> str:
        return f"{form_id}{self.suffix}" if self.per == "form" else f"{self.name}{self.suffix}"


class Registry:
    """Codecs by name, in the order they were registered."""

    def __init__(self) -> None:
        self._codecs: dict[str, Codec] = {}

    def register(self, codec: Codec) -> Codec:
        if codec.name in self._codecs:
            raise ValueError(f"a codec named '{codec.name}' is registered twice")
        self._codecs[codec.name] = codec
        return codec

    def __getitem__(self, name: str) -> Codec:
        return self._codecs[name]

    def __contains__(self, name: object) -> bool:
        return name in self._codecs

    def __iter__(self):
        return iter(self._codecs.values())

    def names(self) -> list[str]:
        return list(self._codecs)

    def readable(self) -> list[Codec]:
        return [c for c in self if c.read is not None]

    def fillable(self) -> list[Codec]:
        return [c for c in self if c.fill is not None]

    def recognise(self, probe: Probe) -> Codec | None:
        """The codec that says a returned file is its own."""
        return next((c for c in self.readable() if c.sniff is not None and c.sniff(probe)), None)
