"""Every bound on the work an input may cost, in one place.

Work is bounded by what is read, not only by a file's size: a 400-byte YAML file of aliases,
a 20 KB workbook whose one cell sits in column XFD, or a rule of 400 nested `not`s are each
small. The readers and the rule parser check against these numbers before they expand,
pad or recurse; each refusal names the limit and, where there is one, the variable that
raises it. Read at call time (`limits.MAX_NODES`), so a test can lower one.

The THIDUA_MAX_* settings are read once, when this module is first imported, from the process's
environment (`environment.read()`), and kept as constants — not asked of the session at each use.
Why: limits are the process's, not a request's. The two edges that set them are the command line
and `thidua serve`, one process each, whose environment is the one this reads; a web app's
requests must all be held to the same bounds (a request cannot raise its own), and the session's
environment is read from that same process environment at its edge (engine.app.session), so the
two never disagree. Reading them at use instead would change every reader's and parser's check
(dozens of call sites, some on hot paths) to a function call for no case anyone has — and an
import inside a session's scope or outside one would then matter. A test lowers a limit with
`monkeypatch.setattr(limits, "MAX_…", n)`, or sets the variable in a fresh process. A setting
that cannot be read falls back to its default here; the command line refuses to start then
(`unreadable`, engine.app.console).
"""

from __future__ import annotations

import re

from engine.common import environment

# a setting's value as people write it: 200MB, 1.5 GB, 64M, 65536, 5.000.000 (binary multiples: a
# megabyte is 1024 × 1024 bytes, as the defaults below are written)
_AMOUNT = re.compile(r"(\d+(?:[.,]\d{3})*|\d*[.,]\d+)\s*([kmgt]?)(?:i?b)?", re.IGNORECASE)
_UNIT = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3, "t": 1024**4}


def amount(text: str) -> int | None:
    """A number of bytes or of items as written (`200MB`, `1,5 GB`, `5.000.000`), or None."""
    m = _AMOUNT.fullmatch(text.strip())
    if m is None:
        return None
    digits, unit = m.group(1), m.group(2).lower()
    if re.fullmatch(r"\d+(?:[.,]\d{3})+", digits) and not unit:
        number = float(re.sub(r"[.,]", "", digits))  # grouped thousands: 5.000.000
    else:
        number = float(digits.replace(",", "."))
    value = int(number * _UNIT[unit])
    return value if value > 0 else None


SETTINGS = environment.LIMITS_ENV


_PROCESS = dict(environment.read().limits)  # the process's THIDUA_MAX_* as written, read once (see above)


def _setting(name: str, default: int) -> int:
    """The process's value for a limit, else `default` (also when it cannot be read: the
    command line refuses to start then, `unreadable`)."""
    raw = _PROCESS.get(name, "")
    return (amount(raw) or default) if raw.strip() else default


def unreadable(env: environment.Environment) -> dict[str, str]:
    """The limits set in `env` whose value cannot be read, by name."""
    return {name: raw for name, raw in env.limits if amount(raw) is None}


# one input file's bytes (facts, campaign, plan text, cases); raise with THIDUA_MAX_BYTES
MAX_BYTES = _setting("THIDUA_MAX_BYTES", 64 * 1024 * 1024)
# the values read from one file: YAML nodes once aliases are expanded, table cells; THIDUA_MAX_NODES
MAX_NODES = _setting("THIDUA_MAX_NODES", 5_000_000)
MAX_DEPTH = 64  # nesting of a YAML or JSON document

# aliases (*name) may add at most this many values beyond the file's own nodes, times that count
# (a few shared blocks are fine; a tree of aliases of aliases is a bomb)
ALIAS_ALLOWANCE = 100_000
ALIAS_FACTOR = 10

# workbooks: the unpacked size of its parts (a zip bomb is small), the columns of a table, and one
# text (Excel's own limit for a cell); a table's cells count against MAX_NODES
MAX_UNPACKED = 4 * MAX_BYTES
MAX_SHARED_STRINGS = 1_000_000
MAX_COLUMNS = 1000
MAX_TEXT = 32_767

# rules and ranking keys
MAX_RULE_LENGTH = 2000
MAX_RULE_DEPTH = 32  # operators nested in one another (a rule people write nests fewer than 10)
MAX_NUMBER = 1e12

# lint's closest passage to a quote not found in the plan (TD102): the work one quote and one campaign
# may cost, counted as characters compared (each candidate passage's length times the quote's) plus
# the plan's words scanned; beyond it the finding names no passage
MAX_QUOTE_SEARCH = 25_000_000
MAX_CAMPAIGN_QUOTE_SEARCH = 60_000_000

# 'did you mean': words longer than this get no suggestion (difflib's work grows with the product)
MAX_SUGGEST_LENGTH = 64

# the web app (thidua serve): one request's body, the files in it, and the uploads it keeps in memory
# (each set of returns for an hour, the oldest dropped first); every file is also held to MAX_BYTES
MAX_REQUEST_BYTES = _setting("THIDUA_MAX_REQUEST_BYTES", 32 * 1024 * 1024)
MAX_UPLOADS = _setting("THIDUA_MAX_UPLOADS", 100)
MAX_SESSIONS = 32
SESSION_SECONDS = 3600
# ... and the bytes of returns kept together (the evaluation made from them, kept beside them, takes
# about 13 times their size in memory: 64 MB of returns is under 1 GB); raise with THIDUA_MAX_KEPT_BYTES
MAX_KEPT_BYTES = _setting("THIDUA_MAX_KEPT_BYTES", 64 * 1024 * 1024)
# the web app's other bounds: browsers printing a PDF at once, how long a request waits for one
# (then 503: busy), and how long a request's body may pause before it is given up (408)
MAX_FORM_FIELDS = 100  # a form's fields other than files (thidua's own forms have fewer than 10)
MAX_FIELD_BYTES = 2 * 1024 * 1024  # one such field: a campaign pasted on /author is well under this
MAX_BROWSERS = 2
BROWSER_WAIT_SECONDS = 60
BODY_IDLE_SECONDS = 20
