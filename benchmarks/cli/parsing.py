"""Options from dataclasses: tyro parses argv into a command's dataclass; its errors become one line."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import re
from typing import Any, TypeVar

import tyro

from actjepa.benchmarks.cli.options import Option, hidden_of, hiding_registry, options, value_at
from actjepa.benchmarks.errors import UserError

T = TypeVar("T")

REPEATABLE = ("--controller",)
"Options that may be given several times, each adding one value (`--controller a --controller b`)."


def merge_repeated(args: list[str], options: tuple[str, ...] = REPEATABLE) -> list[str]:
    """Join repeated `--opt a --opt b` into one `--opt a b`, which is how tyro reads a sequence field."""
    merged: dict[str, list[str]] = {}
    rest: list[str] = []
    i = 0
    while i < len(args):
        name, _, inline = args[i].partition("=")
        if name in options:
            values = [inline] if inline else []
            i += 1
            while not inline and i < len(args) and not args[i].startswith("--"):
                values.append(args[i])
                i += 1
            merged.setdefault(name, []).extend(values)
            continue
        rest.append(args[i])
        i += 1
    for name, values in merged.items():
        rest += [name, *values]
    return rest


def one_line(message: str, prog: str) -> str:
    """tyro's boxed error text as one line: the lines that say what is wrong, and where the help is."""
    kept = []
    for line in message.splitlines():
        text = re.sub(r"[│╭╮╰╯─┃━]+", " ", line).strip()
        if not text or set(text) <= set("-_ ") or text.startswith(("For full helptext", "Argument helptext")):
            if text.startswith(("For full helptext", "Argument helptext")):
                break
            continue
        if text.endswith("--help"):
            continue
        kept.append(text)
    detail = " ".join(kept[1:] if len(kept) > 1 else kept)
    detail = re.sub(r"^Error parsing [\w.]*: ", "", detail)  # a settings dataclass refused its values: its message
    return f"{detail or 'bad options'}; see `{prog} --help`"


def option_value(args: list[str], name: str) -> str | None:
    """The value given to option `name` (`--name value` or `--name=value`; the last one counts), None if absent."""
    found = None
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            found = args[i + 1]
        elif arg.startswith(f"{name}="):
            found = arg.partition("=")[2]
    return found


def parse(cls: type[T], args: list[str], prog: str) -> T:
    """An instance of the dataclass `cls` from command-line options (nested fields are flattened).

    A command may define `option_defaults(args) -> instance`: its values, chosen from the options before
    parsing (a preset, a protocol), are the defaults every option shows and starts from. A command that sets
    `KEEP_PREFIXES = True` keeps the prefixes of nested options except where its fields omit them. The fields
    `cls.hidden` names are no options (see options.py). Help goes to stdout; a parse error raises UserError with
    one line.
    """
    chosen = getattr(cls, "option_defaults", None)
    default = chosen(args) if chosen is not None else None
    target = cls if getattr(cls, "KEEP_PREFIXES", False) else tyro.conf.OmitArgPrefixes[cls]
    captured = io.StringIO()
    try:
        with contextlib.redirect_stderr(captured), contextlib.redirect_stdout(captured):
            return tyro.cli(
                target,
                args=merge_repeated(args),
                prog=prog,
                description=(cls.__doc__ or "").strip(),
                default=default,
                registry=hiding_registry(hidden_of(cls)),
            )
    except SystemExit as exc:
        if exc.code in (0, None):
            print(captured.getvalue(), end="")
            raise
        raise UserError(one_line(captured.getvalue(), prog)) from None


def to_args(instance: object) -> list[str]:
    """Options that `parse` reads back into `instance` (a command's dataclass, nested ones flattened).

    Each option whose value differs from its field's default, or from the command's own defaults
    (`option_defaults` of those options), becomes `--name value` (switches `--name` / `--no-name`, None
    `--name None`); fields that are no options (tyro.conf.Suppress, the command's `hidden`) are left out. Used to
    start the same command again in other processes.
    """
    shown = options(type(instance))
    own = [o for o in shown if not _unchanged(value_at(instance, o.path), _field_default(o))]
    chosen = getattr(type(instance), "option_defaults", None)
    if chosen is None:
        return _words(instance, own)
    defaults = chosen(_words(instance, own))
    return _words(
        instance,
        [o for o in shown if o in own or not _unchanged(value_at(instance, o.path), value_at(defaults, o.path))],
    )


def _field_default(option: Option) -> Any:
    """The default the option's field declares (dataclasses.MISSING if none)."""
    spec = option.field
    return spec.default_factory() if spec.default_factory is not dataclasses.MISSING else spec.default


def _unchanged(value: Any, default: Any) -> bool:
    """Whether `value` is `default` (of the same type: 1 is not True)."""
    return default is not dataclasses.MISSING and type(value) is type(default) and value == default


def _words(instance: object, chosen: list[Option]) -> list[str]:
    """The command-line words that set each chosen option to its value in `instance`."""
    args: list[str] = []
    for option in chosen:
        value = value_at(instance, option.path)
        if option.switch:
            args.append(option.flag if value else option.negation)
        elif isinstance(value, list | tuple):
            args += [option.flag, *map(str, value)]
        else:
            args += [option.flag, str(value)]
    return args
