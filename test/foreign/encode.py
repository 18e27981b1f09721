#!/usr/bin/env python3
"""Encodes messages with Python's msgpack, a third, foreign writer for the wire tests.

stdin: a JSON list of {"msg": {...}, "single_float": bool, "int_vc_keys": bool}; stdout: one
line of hex per message, `msgpack.packb(msg)` with its defaults (use_single_float when asked;
vc keys turned into integers when asked, a map key that is not a string).
"""
import json
import sys

import msgpack

for item in json.load(sys.stdin):
    msg = item["msg"]
    if item.get("int_vc_keys"):
        msg["vc"] = {int(k): n for k, n in msg["vc"].items()}
    print(msgpack.packb(msg, use_single_float=bool(item.get("single_float"))).hex())
