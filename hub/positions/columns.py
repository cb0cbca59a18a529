"""Position lines read a block at a time, column by column (pyarrow, C speed).

The line rules are those of ``hub.positions.lines``; this is only a faster way to the same
fixes. A block of lines is parsed at once (``pyarrow.json`` / ``pyarrow.csv``), its numbers
checked as whole columns, each distinct plate, colour and time judged once, and the fixes made
from the columns. Whatever this path is not sure of is left to the line-by-line reader, which
then gives the fix or names the rule broken: a row whose values break a rule or are missing, a
block that pyarrow cannot read (a line that is not one JSON object, a number given as a string,
a JSON true, a key given twice…; the block is split in halves, so one bad line costs a few
reads of its neighbours, not the block's speed), a block whose rows do not match its lines one
to one. So a line's verdict and its fix never depend on which path read it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TypeVar

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
import pyarrow.json as pa_json

from hub.positions.lines import COLOR_CODES, FIELDS, MAX_LINE, BadLine, Fix, instant, plate_number

T = TypeVar("T")

ALONE = 16
"""Lines in a block below which a failed block is read line by line rather than split again."""

_NUMBERS: tuple[tuple[str, float, float, bool, int | None], ...] = (
    # name, low, high, whole, default: the ranges of hub.positions.lines.fix_from
    ("lat", -90, 90, False, None),
    ("lon", -180, 180, False, None),
    ("speed", 0, 300, False, None),
    ("direction", 0, 359, True, None),
    ("altitude", -500, 9000, True, 0),
    ("alarm", 0, 2**32 - 1, True, 0),
)
_TEXTS = ("plate", "color", "time")
_JSON = pa_json.ParseOptions(
    explicit_schema=pa.schema(
        [(name, pa.string()) for name in _TEXTS] + [(n[0], pa.float64()) for n in _NUMBERS]
    ),
    unexpected_field_behavior="ignore",  # as fix_from: fields it does not name are not read
)
BOM = b"\xef\xbb\xbf"
_new_fix = partial(tuple.__new__, Fix)  # a named tuple made in C, not by its Python __new__


def read_json(lines: Sequence[bytes]) -> list[Fix | None]:
    """The fix of each NDJSON line, or None where the line must be read alone."""
    return _split(lines, _json_table)


def csv_reader(names: Sequence[str]) -> Callable[[Sequence[bytes]], list[Fix | None]]:
    """``read_json`` for CSV rows under a header of these column names."""
    convert = pa_csv.ConvertOptions(
        column_types={name: pa.string() if name in _TEXTS else pa.float64() for name in names},
        null_values=[""],  # an empty cell is missing; "NULL" or "nan" are the line reader's
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
    )
    read = pa_csv.ReadOptions(column_names=list(names), use_threads=False)
    parse = pa_csv.ParseOptions(newlines_in_values=False)

    def table(body: bytes) -> pa.Table:
        return pa_csv.read_csv(
            pa.py_buffer(body),
            read_options=read,
            parse_options=parse,
            convert_options=convert,
        )

    return partial(_split, read=table)


def _json_table(body: bytes) -> pa.Table:
    return pa_json.read_json(
        pa.py_buffer(body),
        read_options=pa_json.ReadOptions(use_threads=False),
        parse_options=_JSON,
    )


def _split(lines: Sequence[bytes], read: Callable[[bytes], pa.Table]) -> list[Fix | None]:
    """``_block`` of the lines, in halves where a block cannot be read whole."""
    found: list[Fix | None] = [None] * len(lines)
    # Only lines the line reader would parse as they are: no blank line (pyarrow skips it,
    # which would shift the rows), none too long, none ending in a carriage return.
    plain = [
        i for i, line in enumerate(lines)
        if len(line) <= MAX_LINE and line.strip() and not line.endswith(b"\r")
        and not line.startswith(BOM)
    ]  # fmt: skip
    spans = [plain]
    while spans:
        span = spans.pop()
        if len(span) < ALONE:
            continue  # left to the line reader
        fixes = _attempt(lines, span, read)
        if fixes is None:
            if (
                span is plain
                and _attempt(lines, span[:ALONE], read) is None
                and _attempt(lines, span[-ALONE:], read) is None
            ):
                # Its first lines and its last fail as well: most likely the stream's form, not
                # a line (colours as numbers, numbers as strings), which splitting would only
                # parse over and over. The line reader takes the block, at its own speed.
                return found
            half = len(span) // 2
            spans += [span[:half], span[half:]]
            continue
        for i, fix in zip(span, fixes, strict=True):
            found[i] = fix
    return found


def _attempt(
    lines: Sequence[bytes], span: list[int], read: Callable[[bytes], pa.Table]
) -> list[Fix | None] | None:
    try:
        return _block([lines[i] for i in span], read)
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None


def _block(lines: list[bytes], read: Callable[[bytes], pa.Table]) -> list[Fix | None] | None:
    """The fixes of a block read whole (None where a row needs the line reader), or None if
    its rows are not its lines one to one."""
    body = b"\n".join(lines)
    body.decode()  # raises where the line reader would refuse a line as not UTF-8
    table = read(body)
    if table.num_rows != len(lines):
        return None  # a line read as two rows (two JSON objects), or two as one
    names = set(table.column_names)
    if any(name not in names for name in FIELDS if name not in ("altitude", "alarm")):
        return [None] * len(lines)
    good = pa.array([True] * len(lines))
    numbers: dict[str, list[float] | list[int]] = {}
    for name, low, high, whole, default in _NUMBERS:
        if name in names:
            column = table.column(name)
        else:
            column = pa.chunked_array([pa.array([None] * len(lines), pa.float64())])
        if default is not None:
            column = pc.fill_null(column, float(default))
        ok = pc.and_(pc.greater_equal(column, low), pc.less_equal(column, high))  # NaN: false
        if whole:
            ok = pc.and_(ok, pc.equal(pc.floor(column), column))
        good = pc.and_(good, pc.fill_null(ok, False))
        if whole:
            # Not a whole number where ``good`` is false: those rows are read alone.
            column = pc.if_else(good, column, 0.0)
            numbers[name] = pc.cast(column, pa.int64()).to_pylist()
        else:
            numbers[name] = column.to_pylist()
    plates = table.column("plate").to_pylist()
    colors = table.column("color").to_pylist()
    times = table.column("time").to_pylist()
    known = _each_read(plates, plate_number)
    at = _each_read(times, instant)
    oks = good.to_pylist()
    fixes = list(
        map(
            _new_fix,
            zip(
                [known[p] for p in plates],
                [COLOR_CODES.get(c) if c is not None else None for c in colors],
                [at[t] for t in times],
                numbers["lat"],
                numbers["lon"],
                numbers["speed"],
                numbers["direction"],
                numbers["altitude"],
                numbers["alarm"],
                strict=True,
            ),
        )
    )
    return [
        fix if ok and fix[0] is not None and fix[1] is not None and fix[2] is not None else None
        for fix, ok in zip(fixes, oks, strict=True)
    ]


def _each_read(texts: list[str | None], read: Callable[[str], T]) -> dict[str | None, T | None]:
    """Each distinct text of a column read once by the line reader's own rule; what it
    refuses (or an empty text) maps to None, and its line is then read alone."""
    found: dict[str | None, T | None] = {}
    for text in set(texts):
        try:
            found[text] = read(text) if text else None
        except BadLine:
            found[text] = None
    return found
