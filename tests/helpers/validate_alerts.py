#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
# Validate every JSON line of FILE against the JSON Schema SCHEMA (python3-jsonschema, the
# draft the schema names). Exit 1 naming the first line that does not conform.
#   validate_alerts.py SCHEMA FILE
import json
import sys

import jsonschema

schema = json.load(open(sys.argv[1]))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
v = cls(schema, format_checker=cls.FORMAT_CHECKER)
n = 0
for i, line in enumerate(open(sys.argv[2]), 1):
    if not line.strip():
        continue
    err = jsonschema.exceptions.best_match(v.iter_errors(json.loads(line)))
    if err:
        print(f"line {i}: {err.message} at {'/'.join(map(str, err.absolute_path))}: {line[:200]}")
        sys.exit(1)
    n += 1
print(f"{n} alerts valid")
