#!/usr/bin/env python3
"""Leak scan after the end-to-end suite.

Every sandbox of the suite appends each secret it hands out or accepts (passwords, tokens,
authcodes, API keys) to the file named by COWDESK_SANDBOX_SECRET_LOG. This script searches
every file the suite left below the given folders (the caches, WAL files, the apps' logs,
exported PDFs and CSVs, configuration files) for each of those values, as written and in
URL-encoded form. It names the file and the kind of secret, never the secret itself.

It fails when a secret is found, and also when the scan could not mean anything: no secret
of a required kind was recorded, or no database or log was there to search.

A profile folder an end-to-end test signed out of holds a file SIGNED-OUT listing values
of the login's cached data (invoice numbers, ...), one per line. Sign-out must leave none
of them in any other file of that folder, and no copy of the cache kept before an update
(`*.sqlite.before-vN`). With --require-signed-out, at least one such folder must be there.

    scripts/leak-scan.py SECRET_LOG FOLDER... [--require token,password,authcode]
                         [--require-signed-out]
"""

import argparse
import os
import re
import sys
import urllib.parse

# Shorter values would match by chance in binary files (screenshots, databases).
MIN_LENGTH = 8

# The kinds of secrets the suite records. An unknown kind is a typo in a test or the
# sandbox, and would make a --require check pass or fail for the wrong reason.
KNOWN_KINDS = {
    "token": "access and refresh tokens the sandbox hands out",
    "password": "sign-in and mailbox passwords",
    "authcode": "domain authcodes",
    "api_password": "DNS API passwords",
    # The support tests record each secret they share and each link key they make: the
    # Yopass double only ever sees ciphertext.
    "secret_link": "secrets put into secret links, and their keys",
    # The mailcow tests against the real mailcow peer record what they use and see.
    "mailcow_password": "passwords of mailcow domain administrators",
    "mailcow_api_key": "mailcow API keys",
    "mailcow_session": "mailcow session cookies (MCSESSID)",
    "mailcow_totp_secret": "TOTP seeds of mailcow domain administrators (the window only ever gets six-digit codes)",
    "generated_password": "mailbox passwords cowdesk generated",
}


def read_secrets(path):
    secrets = {}
    with open(path, encoding="utf-8") as log:
        for line in log:
            kind, _, value = line.rstrip("\n").partition("\t")
            if len(value) >= MIN_LENGTH:
                secrets[value] = kind
    return secrets


def forms(value):
    """The value as it would appear in a file: raw, or URL-encoded in a logged URL."""
    yield value.encode()
    quoted = urllib.parse.quote(value, safe="")
    if quoted != value:
        yield quoted.encode()


# The sandbox's tokens: 256 bits as hex. There are thousands of them after a full run, so
# they are found by pulling every long hex run out of a file once and looking the windows
# up in a set, instead of searching the file once per token.
HEX_TOKEN = re.compile(r"^[0-9a-f]{64}$")
HEX_RUN = re.compile(rb"[0-9a-f]{64,}")


def hex_tokens_in(content, tokens):
    for run in HEX_RUN.finditer(content):
        text = run.group().decode()
        for start in range(len(text) - 63):
            if text[start : start + 64] in tokens:
                yield text[start : start + 64]


def files_below(folders):
    for folder in folders:
        for root, _, names in os.walk(folder):
            for name in names:
                yield os.path.join(root, name)


SIGNED_OUT = "SIGNED-OUT"


def signed_out_problems(folders):
    """(folders checked, problems) for every profile folder marked as signed out."""
    checked = 0
    problems = []
    for folder in folders:
        for root, _, names in os.walk(folder):
            if SIGNED_OUT not in names:
                continue
            checked += 1
            with open(os.path.join(root, SIGNED_OUT), encoding="utf-8") as marker:
                needles = [line.strip().encode() for line in marker if len(line.strip()) >= 6]
            if not needles:
                problems.append(f"{root}: {SIGNED_OUT} lists nothing to look for")
            if not any(".sqlite" in n for _, _, files in os.walk(root) for n in files):
                problems.append(f"{root}: no cache file; the check would prove nothing")
            for sub, _, files in os.walk(root):
                for name in files:
                    path = os.path.join(sub, name)
                    if name == SIGNED_OUT:
                        continue
                    if ".before-v" in name:
                        problems.append(f"{path}: a copy of the cache survived sign-out")
                    try:
                        with open(path, "rb") as f:
                            content = f.read()
                    except FileNotFoundError:
                        continue
                    found = sum(1 for n in needles if n in content)
                    if found:
                        problems.append(f"{path}: {found} values of the signed-out login")
    return checked, problems


def kind_of_file(path):
    name = os.path.basename(path)
    if ".sqlite" in name:
        return "database"
    if name.endswith(".log"):
        return "log"
    return "other"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("secret_log")
    parser.add_argument("folders", nargs="+")
    parser.add_argument("--require", default="token,password,authcode")
    parser.add_argument("--require-signed-out", action="store_true")
    args = parser.parse_args()

    if not os.path.exists(args.secret_log):
        sys.exit(f"leak scan: no secrets were recorded ({args.secret_log} is missing)")
    secrets = read_secrets(args.secret_log)
    unknown = sorted({kind for kind in secrets.values() if kind not in KNOWN_KINDS})
    if unknown:
        sys.exit(f"leak scan: unknown kinds of secret recorded: {', '.join(unknown)}")
    kinds = {}
    for kind in secrets.values():
        kinds[kind] = kinds.get(kind, 0) + 1
    missing = [k for k in args.require.split(",") if k and k not in kinds]
    if missing:
        sys.exit(f"leak scan: the suite recorded no {', '.join(missing)}; the scan would prove nothing")

    hex_tokens = {v for v in secrets if HEX_TOKEN.match(v)}
    others = [(v, list(forms(v))) for v in secrets if v not in hex_tokens]

    scanned = {"database": 0, "log": 0, "other": 0}
    empty_logs = 0
    leaks = []
    for path in files_below(args.folders):
        try:
            with open(path, "rb") as f:
                content = f.read()
        except FileNotFoundError:
            continue  # a WAL file checkpointed away since it was listed
        kind = kind_of_file(path)
        scanned[kind] += 1
        if kind == "log" and not content:
            empty_logs += 1
        for value in set(hex_tokens_in(content, hex_tokens)):
            leaks.append((path, secrets[value]))
        for value, encoded in others:
            if any(form in content for form in encoded):
                leaks.append((path, secrets[value]))

    summary = ", ".join(f"{n} {k}" for k, n in sorted(kinds.items()))
    files = ", ".join(f"{n} {k}" for k, n in scanned.items())
    print(f"leak scan: {len(secrets)} secrets ({summary}) searched in {sum(scanned.values())} files ({files})")
    if scanned["database"] == 0 or scanned["log"] == empty_logs:
        sys.exit("leak scan: no database or no non-empty log to search; the scan would prove nothing")
    for path, secret_kind in leaks:
        print(f"leak scan: {secret_kind} found in {path}", file=sys.stderr)
    if leaks:
        sys.exit(f"leak scan: {len(leaks)} secrets found in the suite's files")
    checked, problems = signed_out_problems(args.folders)
    print(f"leak scan: {checked} signed-out profile folders checked")
    for problem in problems:
        print(f"leak scan: {problem}", file=sys.stderr)
    if problems:
        sys.exit(f"leak scan: {len(problems)} things of signed-out logins survived")
    if args.require_signed_out and checked == 0:
        sys.exit("leak scan: no signed-out profile folder to check; the scan would prove nothing")
    print("leak scan: none found")


if __name__ == "__main__":
    main()
