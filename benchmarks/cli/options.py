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
    "The option as typed, e.g. --num-samples (--eval.control.planner.num-samples where prefixes are kept)."
    path: tuple[str, ...]
    "Field names from the command down to the field, e.g. ('eval', 'control', 'planner', 'num_samples')."
    field: dataclasses.Field
    "The field itself (its default and docstring)."
    hint: Any
    "The field's type, without tyro's markers."
    aliases: tuple[str, ...] = ()
    "Other spellings of the option (older names); the help lists them before `flag`."
    switch: bool = False
    "A bool option given as --name / --no-name (not one that takes True or False as its value)."
    required: bool = False
    "The option has no default: the command line must give it."

    @property
    def negation(self) -> str:
        """A switch's off form: --no-name, after the prefix where it has one (--eval.control.no-warm-start)."""
        prefix, _, name = self.flag[2:].rpartition(".")
        return f"--{prefix}.no-{name}" if prefix else f"--no-{name}"


def hidden_of(command: type) -> Hidden:
    """The fields `command` keeps off its command line (its `hidden` class attribute; none by default)."""
    return getattr(command, "hidden", {})


def options(command: type) -> list[Option]:
    """Every option the command dataclass shows, nested dataclasses flattened, in declaration order.

    Options are named as `parsing.parse` reads them: nested fields without their prefixes, or with them (joined by
    dots) for a command that sets KEEP_PREFIXES, except below fields marked tyro.conf.OmitArgPrefixes, at a field
    renamed to "" and for fields marked prefix_name=False. An option is required when the command's defaults
    (its `option_defaults([])`, else the fields' own) leave it unset.
    """
    keep = getattr(command, "KEEP_PREFIXES", False)
    chosen = getattr(command, "option_defaults", None)
    walked = _walk(command, (), "" if keep else None, hidden_of(command))
    if chosen is None:
        return list(walked)
    defaults = chosen([])
    return [dataclasses.replace(o, required=value_at(defaults, o.path) is tyro.MISSING) for o in walked]


def _walk(cls: type, path: tuple[str, ...], prefix: str | None, hidden: Hidden) -> Iterator[Option]:
    """The options below `cls`; `prefix` is the dotted prefix of their names (None: prefixes are omitted)."""
    hints = typing.get_type_hints(cls, include_extras=True)
    for spec in dataclasses.fields(cls):
        hint = hints[spec.name]
        markers = getattr(hint, "__metadata__", ())
        if tyro.conf.Suppress in markers or spec.name in hidden.get(cls, ()):
            continue
        bare = typing.get_args(hint)[0] if markers else hint
        arg: Any = next((m for m in markers if isinstance(m, _ARG_CONFIG)), None)
        name = spec.name if arg is None or arg.name is None else arg.name
        if dataclasses.is_dataclass(bare):
            inner = None if prefix is None or tyro.conf.OmitArgPrefixes in markers else _joined(prefix, name)
            yield from _walk(bare, (*path, spec.name), inner, hidden)
            continue
        own = _joined(prefix or "", name) if arg is None or arg.prefix_name is not False else name
        yield Option(
            flag="--" + own.replace("_", "-"),
            path=(*path, spec.name),
            field=spec,
            hint=bare,
            aliases=tuple(arg.aliases or ()) if arg is not None else (),
            switch=bare is bool and tyro.conf.FlagConversionOff not in markers,
            required=spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING,
        )


def _joined(prefix: str, name: str) -> str:
    """`name` below `prefix` (an empty name stands for no level of its own)."""
    return f"{prefix}.{name}" if prefix and name else prefix or name


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
