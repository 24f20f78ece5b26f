"""Options from dataclasses: tyro parses argv into a command's dataclass; its errors become one line."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import re
from typing import TypeVar

import tyro

from actjepa.benchmarks.cli.options import hidden_of, hiding_registry, options, value_at
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
    return f"{detail or 'bad options'}; see `{prog} --help`"


def parse(cls: type[T], args: list[str], prog: str) -> T:
    """An instance of the dataclass `cls` from command-line options (nested fields are flattened).

    The fields `cls.hidden` names are no options (see options.py). Help goes to stdout; a parse error raises
    UserError with one line.
    """
    captured = io.StringIO()
    try:
        with contextlib.redirect_stderr(captured), contextlib.redirect_stdout(captured):
            return tyro.cli(
                tyro.conf.OmitArgPrefixes[cls],
                args=merge_repeated(args),
                prog=prog,
                description=(cls.__doc__ or "").strip(),
                registry=hiding_registry(hidden_of(cls)),
            )
    except SystemExit as exc:
        if exc.code in (0, None):
            print(captured.getvalue(), end="")
            raise
        raise UserError(one_line(captured.getvalue(), prog)) from None


def to_args(instance: object) -> list[str]:
    """Options that `parse` reads back into `instance` (a command's dataclass, nested ones flattened).

    Each option whose field differs from its default becomes `--name value` (bool fields `--name` / `--no-name`,
    None `--name None`); fields that are no options (tyro.conf.Suppress, the command's `hidden`) are left out.
    Used to start the same command again in other processes.
    """
    args: list[str] = []
    for option in options(type(instance)):
        spec, value = option.field, value_at(instance, option.path)
        default = spec.default_factory() if spec.default_factory is not dataclasses.MISSING else spec.default
        if default is not dataclasses.MISSING and type(value) is type(default) and value == default:
            continue
        if option.hint is bool:
            args.append(option.flag if value else "--no-" + option.flag[2:])
        elif isinstance(value, list | tuple):
            args += [option.flag, *map(str, value)]
        else:
            args += [option.flag, str(value)]
    return args
