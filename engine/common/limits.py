"""Every bound on the work an input may cost, in one place.

Work is bounded by what is read, not only by a file's size: a 400-byte YAML file of aliases,
a 20 KB workbook whose one cell sits in column XFD, or a rule of 400 nested `not`s are each
small. The readers and the rule parser check against these numbers before they expand,
pad or recurse; each refusal names the limit and, where there is one, the variable that
raises it. Read at call time (`limits.MAX_NODES`), so a test can lower one.
"""

from __future__ import annotations

import os

# one input file's bytes (facts, campaign, plan text, cases); raise with THIDUA_MAX_BYTES
MAX_BYTES = int(os.environ.get("THIDUA_MAX_BYTES", str(64 * 1024 * 1024)))
# the values read from one file: YAML nodes once aliases are expanded, table cells; THIDUA_MAX_NODES
MAX_NODES = int(os.environ.get("THIDUA_MAX_NODES", "5000000"))
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

# 'did you mean': words longer than this get no suggestion (difflib's work grows with the product)
MAX_SUGGEST_LENGTH = 64

# the web app (thidua serve): one request's body, the files in it, and the uploads it keeps in memory
# (each set of returns for an hour, the oldest dropped first); every file is also held to MAX_BYTES
MAX_REQUEST_BYTES = int(os.environ.get("THIDUA_MAX_REQUEST_BYTES", str(32 * 1024 * 1024)))
MAX_UPLOADS = int(os.environ.get("THIDUA_MAX_UPLOADS", "100"))
MAX_SESSIONS = 32
SESSION_SECONDS = 3600
