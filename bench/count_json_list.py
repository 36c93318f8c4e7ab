#!/usr/bin/env python3
"""Counts the servers in a JSON array (what `hcloud server list -o json` prints).

    count_json_list.py FILE

Prints `count=<n> id_sum=<s>`, like the other contestants, from the top-level `id` of each
element. It decodes one element at a time, so memory stays near the size of the file (about
1.8 KB per server) rather than that of every server as Python objects. It runs after the
timed process has ended, so it is not part of any measured time.
"""

import json
import sys


def main() -> int:
    with open(sys.argv[1], encoding="utf-8") as f:
        text = f.read()
    decoder = json.JSONDecoder()
    space = " \t\r\n"
    i = 0
    while i < len(text) and text[i] in space:
        i += 1
    if text[i : i + 1] != "[":
        print(f"not a JSON array: {text[:80]!r}")
        return 1
    i += 1
    count = id_sum = 0
    while True:
        while text[i] in space:
            i += 1
        if text[i] == "]":
            break
        server, i = decoder.raw_decode(text, i)
        count += 1
        id_sum += server["id"]
        while text[i] in space:
            i += 1
        if text[i] == ",":
            i += 1
        elif text[i] != "]":
            print(f"unexpected {text[i]!r} at offset {i}")
            return 1
    if text[i + 1 :].strip():
        print("trailing data after the array")
        return 1
    print(f"count={count} id_sum={id_sum}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
