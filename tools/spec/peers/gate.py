"""The cross-validator gate, Python side (make spec-peers).

The same cases as gate.mjs: every valid fixture, every vendor example and
every webhook event fixture must be accepted, every negative fixture
rejected, except the blind spots listed in blind-spots.json. The validators
are those a Python team has:

  - openapi-spec-validator: the spec itself must be a valid OpenAPI 3.0
    document;
  - openapi-schema-validator (OAS30Validator with its OAS 3.0 format
    checker): honours `nullable` and the discriminator;
  - jsonschema as plain JSON Schema (Draft 4, which OpenAPI 3.0's schema
    object extends), with `nullable: true` converted to `anyOf [..., null]`
    because plain JSON Schema has no such keyword; no discriminator.

A response is checked as gate.mjs checks it: the status picks the response
(else `default`, else it is rejected), the Content-Type must be listed, a
JSON body must parse, and the parsed body must match the schema.

Usage (from tools/spec):
  python3 peers/gate.py [--spec PATH] [--require NAME,NAME]

Each validator whose library imports is run. --require names the ones that
must be there: when one is missing the gate fails under CI=true and, outside
CI, prints what is missing and exits 0. The same file runs under Debian's
/usr/bin/python3 (python3-jsonschema 4.10, python3-yaml), where only the
jsonschema leg exists. Exits 1 on any valid case rejected or negative case
accepted.
"""

import argparse
import copy
import json
import os
import sys
from importlib import metadata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
TESTDATA = os.path.join(ROOT, "contract_test", "testdata")


def version_of(dist):
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def read(path):
    with open(path, "rb") as f:
        return f.read()


def read_json(path):
    return json.loads(read(path))


# --- the cases ---------------------------------------------------------------


def operations_by_id(spec):
    ops = {}
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if isinstance(op, dict) and "operationId" in op:
                ops[op["operationId"]] = {"path": path, "method": method, "op": op}
    return ops


def load_cases(ops):
    def operation_of(method, path):
        for op_id, o in ops.items():
            if o["path"] == path and o["method"] == method.lower():
                return op_id
        raise SystemExit(f"no operation for {method} {path}")

    cases = []
    for f in read_json(os.path.join(TESTDATA, "index.json"))["fixtures"]:
        cases.append({
            "name": f["file"], "kind": "fixture", "want": "accept",
            "operation": f["operation"], "status": f["status"],
            "content_type": f.get("content_type", "application/json"),
            "body": read(os.path.join(TESTDATA, f["file"])),
        })
    vendor = read_json(os.path.join(HERE, "vendor-examples.json"))
    for i, e in enumerate(vendor):
        cases.append({
            "name": f'vendor-examples.json[{i}] {e["method"]} {e["path"]} {e["status"]} "{e["name"]}"',
            "kind": "vendor", "want": "accept",
            "operation": operation_of(e["method"], e["path"]), "status": e["status"],
            "content_type": "application/json", "body": json.dumps(e["body"]).encode(),
        })
    for n in read_json(os.path.join(TESTDATA, "negative", "index.json"))["negatives"]:
        cases.append({
            "name": "negative/" + n["file"], "file": n["file"], "want": "reject",
            "operation": n["operation"], "status": n["status"],
            "content_type": n.get("content_type", "application/json"),
            "body": read(os.path.join(TESTDATA, "negative", n["file"])),
        })
    # Webhook events against components/schemas/WebhookEvent; an unlisted
    # value of a closed set is drift for cfverify and a rejection here.
    hooks = os.path.join(TESTDATA, "webhooks")
    for f in read_json(os.path.join(hooks, "index.json"))["fixtures"]:
        drift = any(d.startswith("unknown-enum-value") for d in f.get("drift") or [])
        cases.append({
            "name": "webhooks/" + f["file"], "file": "webhooks/" + f["file"], "kind": "webhook",
            "want": "reject" if drift else "accept", "webhook": True,
            "body": read(os.path.join(hooks, f["file"])),
        })
    for n in read_json(os.path.join(hooks, "negative", "index.json"))["negatives"]:
        cases.append({
            "name": "webhooks/negative/" + n["file"], "file": "webhooks/negative/" + n["file"],
            "want": "reject", "webhook": True,
            "body": read(os.path.join(hooks, "negative", n["file"])),
        })
    return cases


# --- what every response validator does before the schema --------------------


def base_media_type(ct):
    return (ct or "").split(";")[0].strip().lower()


def parse_json(body):
    """Returns (value, None) or (None, reason). json.loads, like JSON.parse,
    keeps the last of repeated member names (a blind spot)."""
    try:
        return json.loads(body.decode("utf-8")), None
    except (UnicodeDecodeError, ValueError) as e:
        return None, f"body is not JSON: {e}"


def response_for(c, op):
    """Returns (schema pointer or None, parsed body) or raises Reject."""
    responses = op["op"]["responses"]
    key = str(c["status"]) if str(c["status"]) in responses else ("default" if "default" in responses else None)
    if key is None:
        raise Reject(f'status {c["status"]} is not documented and there is no default response')
    content = responses[key].get("content") or {}
    if not content:
        return None, None
    mt = base_media_type(c["content_type"])
    if mt not in content:
        raise Reject(f'Content-Type "{c["content_type"]}" is not listed for {key}')
    if not (mt == "application/json" or mt.endswith("+json")):
        return None, None
    body, why = parse_json(c["body"])
    if why:
        raise Reject(why)
    esc = lambda s: s.replace("~", "~0").replace("/", "~1")
    pointer = f'#/paths/{esc(op["path"])}/{op["method"]}/responses/{key}/content/{esc(mt)}/schema'
    return pointer, body


class Reject(Exception):
    pass


# --- the validators ----------------------------------------------------------


def without_nullable(node):
    """OpenAPI 3.0's `nullable: true` as plain JSON Schema: the schema, or
    null. Examples are data, not schemas, and are left alone."""
    if isinstance(node, list):
        return [without_nullable(v) for v in node]
    if not isinstance(node, dict):
        return node
    out = {k: (v if k in ("example", "examples", "x-examples") else without_nullable(v)) for k, v in node.items()}
    if out.pop("nullable", False) is True:
        return {"anyOf": [out, {"type": "null"}]}
    return out


def schema_checker(make_validator, root):
    """check(pointer, value) -> None or the first errors, with one compiled
    validator per pointer. The root schema is the whole document plus a
    $ref, so that every #/components/... reference resolves in it."""
    compiled = {}

    def check(pointer, value):
        v = compiled.get(pointer)
        if v is None:
            v = make_validator(dict(root, **{"$ref": pointer}))
            compiled[pointer] = v
        errors = sorted(v.iter_errors(value), key=lambda e: list(e.absolute_path))
        if not errors:
            return None
        return "; ".join(f'$.{".".join(str(p) for p in e.absolute_path)}: {e.message[:160]}' for e in errors[:3])

    return check


def response_checker(ops, check_schema):
    def check(c):
        try:
            if c.get("webhook"):
                body, why = parse_json(c["body"])
                return why or check_schema("#/components/schemas/WebhookEvent", body)
            pointer, body = response_for(c, ops[c["operation"]])
        except Reject as r:
            return str(r)
        if pointer is None:
            return None
        return check_schema(pointer, body)

    return check


def openapi_schema_validator_leg(spec):
    from openapi_schema_validator import OAS30Validator
    from openapi_schema_validator import oas30_format_checker

    make = lambda schema: OAS30Validator(schema, format_checker=oas30_format_checker)
    return schema_checker(make, spec)


def jsonschema_leg(spec):
    import jsonschema

    make = lambda schema: jsonschema.Draft4Validator(schema, format_checker=jsonschema.FormatChecker())
    return schema_checker(make, without_nullable(spec))


LEGS = {
    # name (as in blind-spots.json): (distribution, label, builder)
    "openapi-schema-validator": ("openapi-schema-validator", "OAS30Validator, discriminator-aware", openapi_schema_validator_leg),
    "jsonschema": ("jsonschema", "Draft4Validator, plain JSON Schema, nullable converted", jsonschema_leg),
}


def importable(module):
    try:
        __import__(module)
        return True
    except ImportError:
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--spec", default=os.path.join(ROOT, "openapi", "verification.yaml"))
    ap.add_argument("--require", default="", help="comma-separated: openapi-spec-validator, openapi-schema-validator, jsonschema")
    args = ap.parse_args()
    required = [r for r in args.require.split(",") if r]
    modules = {"openapi-spec-validator": "openapi_spec_validator", "openapi-schema-validator": "openapi_schema_validator", "jsonschema": "jsonschema", "yaml": "yaml"}
    missing = [r for r in required + ["yaml"] if not importable(modules[r])]
    where = f"{sys.executable} (Python {sys.version.split()[0]})"
    if missing:
        msg = f"spec-peers, Python leg: {where} lacks {', '.join(missing)}"
        if os.environ.get("CI") == "true":
            print(msg + ": failing, because CI runs every leg (the pyenv packages come with the machine image, the Debian ones from .ci/run)", file=sys.stderr)
            return 1
        print(msg + ": SKIPPED outside CI (install them to run this leg)")
        return 0

    import yaml

    with open(args.spec, "rb") as f:
        spec = yaml.safe_load(f)
    failed = False

    if importable("openapi_spec_validator"):
        from openapi_spec_validator import validate as validate_spec
        from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

        label = f'openapi-spec-validator {version_of("openapi-spec-validator")}'
        try:
            validate_spec(copy.deepcopy(spec))
            print(f"{label}: the spec is a valid OpenAPI {spec['openapi']} document")
        except OpenAPIValidationError as e:
            failed = True
            print(f"{label}: the spec is refused: {e}")

    blind_spots = read_json(os.path.join(HERE, "blind-spots.json"))["blind_spots"]
    ops = operations_by_id(spec)
    cases = load_cases(ops)
    for name, (dist, how, build) in LEGS.items():
        if not importable(name.replace("-", "_")):
            continue
        check = response_checker(ops, build(spec))
        total = {"fixture": 0, "vendor": 0, "webhook": 0}
        accepted = dict(total)
        neg_total = neg_rejected = blind = 0
        problems = []
        for c in cases:
            reason = check(c)
            if c["want"] == "accept":
                total[c["kind"]] += 1
                if reason is None:
                    accepted[c["kind"]] += 1
                else:
                    problems.append(f'  valid case rejected: {c["name"]}: {reason}')
            else:
                neg_total += 1
                if reason is not None:
                    neg_rejected += 1
                elif any(b["file"] == c["file"] and name in b["validators"] for b in blind_spots):
                    blind += 1
                else:
                    problems.append(f'  negative case accepted: {c["name"]}')
        print(f"{name} {version_of(dist)} ({how}; {where}): "
              f"valid accepted {sum(accepted.values())}/{sum(total.values())} "
              f"(fixtures {accepted['fixture']}/{total['fixture']}, vendor examples {accepted['vendor']}/{total['vendor']}, "
              f"webhook events {accepted['webhook']}/{total['webhook']}), invalid rejected {neg_rejected}/{neg_total}"
              + (f" ({blind} accepted by design, see peers/blind-spots.json)" if blind else ""))
        if problems:
            failed = True
            print("\n".join(problems))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
