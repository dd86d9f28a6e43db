#!/usr/bin/env python3
"""Validate 360Giving package files against the 1.4.3 schemas beside this script (JSON Schema Draft 2020-12).

Usage: validate_360giving.py SCHEMA_DIR FILE...
Prints one JSON object: {"FILE": ["path: message", ...], ...} (an empty list means valid). Exits 0 when every file
was checked (valid or not), 2 when validation itself cannot be trusted (jsonschema missing, formats not asserted).
"""
import json
import os
import sys

try:
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012
except ImportError as missing:
    print(f"python jsonschema (4.18 or later) is needed: {missing}", file=sys.stderr)
    sys.exit(2)

GRANT_1_4_2 = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json"


def main(schema_dir, files):
    with open(os.path.join(schema_dir, "360-giving-schema.json"), encoding="utf-8") as f:
        grant = json.load(f)
    with open(os.path.join(schema_dir, "360-giving-package-schema.json"), encoding="utf-8") as f:
        package = json.load(f)
    checker = Draft202012Validator.FORMAT_CHECKER
    # A checker that lets "2024-04-01" pass as a date-time would fail every date's oneOf (see README.md).
    if checker.conforms("2024-04-01", "date-time") or not checker.conforms("2024-04-01T10:00:00+01:00", "date-time"):
        print("the date-time format is not asserted (python package rfc3339-validator missing?)", file=sys.stderr)
        sys.exit(2)
    resource = Resource.from_contents(grant, default_specification=DRAFT202012)
    # The package schema refers to the grant schema by its 1.4.2 URL; the grant schema's $id is the 1.4.3 one.
    registry = Registry().with_resources([(grant["$id"], resource), (GRANT_1_4_2, resource)])
    Draft202012Validator.check_schema(package)
    Draft202012Validator.check_schema(grant)
    validator = Draft202012Validator(package, registry=registry, format_checker=checker)
    results = {}
    for name in files:
        with open(name, encoding="utf-8") as f:
            document = json.load(f)
        results[name] = [
            "/" + "/".join(str(p) for p in error.absolute_path) + ": " + error.message
            for error in sorted(validator.iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
        ]
    print(json.dumps(results))


if __name__ == "__main__":
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    main(sys.argv[1], sys.argv[2:])
