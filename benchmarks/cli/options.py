"""Which dataclass fields a command shows as options, and the library fields it keeps off its command line.

A command may name fields of the library configs it nests that are not options for it (class attribute
`hidden`, e.g. the planner's method, which `actjepa eval` takes from the controller name): they keep their
defaults, and neither the help nor the parser knows them.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Iterator, Mapping
from typing import Any

import tyro
from tyro.constructors import ConstructorRegistry, StructConstructorSpec, StructTypeInfo

Hidden = Mapping[type, tuple[str, ...]]
"Dataclass -> names of its fields that a command does not offer as options."

_ARG_CONFIG = type(tyro.conf.arg())
"The class of tyro.conf.arg(...) markers, whose `name` renames an option (e.g. controllers -> --controller)."


@dataclasses.dataclass(frozen=True)
class Option:
    """One command-line option and the dataclass field it sets."""

    flag: str
    "The option as typed, e.g. --num-samples."
    path: tuple[str, ...]
    "Field names from the command down to the field, e.g. ('eval', 'control', 'planner', 'num_samples')."
    field: dataclasses.Field
    "The field itself (its default and docstring)."
    hint: Any
    "The field's type, without tyro's markers."


def hidden_of(command: type) -> Hidden:
    """The fields `command` keeps off its command line (its `hidden` class attribute; none by default)."""
    return getattr(command, "hidden", {})


def options(command: type) -> list[Option]:
    """Every option the command dataclass shows, nested dataclasses flattened, in declaration order."""
    return list(_walk(command, (), hidden_of(command)))


def _walk(cls: type, path: tuple[str, ...], hidden: Hidden) -> Iterator[Option]:
    hints = typing.get_type_hints(cls, include_extras=True)
    for spec in dataclasses.fields(cls):
        hint = hints[spec.name]
        markers = getattr(hint, "__metadata__", ())
        if tyro.conf.Suppress in markers or spec.name in hidden.get(cls, ()):
            continue
        bare = typing.get_args(hint)[0] if markers else hint
        if dataclasses.is_dataclass(bare):
            yield from _walk(bare, (*path, spec.name), hidden)
            continue
        renamed = next((m.name for m in markers if isinstance(m, _ARG_CONFIG) and m.name), None)
        flag = "--" + (renamed or spec.name).replace("_", "-")
        yield Option(flag=flag, path=(*path, spec.name), field=spec, hint=bare)


def value_at(instance: object, path: tuple[str, ...]) -> Any:
    """The value of the field at `path` in a command instance."""
    for name in path:
        instance = getattr(instance, name)
    return instance


def hiding_registry(hidden: Hidden) -> ConstructorRegistry | None:
    """A tyro registry that leaves the `hidden` fields out of the parser (None when nothing is hidden)."""
    if not hidden:
        return None
    registry = ConstructorRegistry()
    building: set[type] = set()

    @registry.struct_rule
    def _hide(info: StructTypeInfo) -> StructConstructorSpec | None:
        names = hidden.get(info.type, ())
        if not names or info.type in building:
            return None  # not ours, or asking tyro's own rules for the full spec below
        building.add(info.type)
        try:
            spec = ConstructorRegistry.get_struct_spec(info)
        finally:
            building.discard(info.type)
        if not isinstance(spec, StructConstructorSpec):
            return spec  # tyro's own verdict (e.g. a default of the wrong type)
        suppressed = tuple(
            dataclasses.replace(f, type=typing.Annotated[f.type, tyro.conf.Suppress]) if f.name in names else f
            for f in spec.fields
        )
        return dataclasses.replace(spec, fields=suppressed)

    return registry
