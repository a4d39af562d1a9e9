"""tshark_json - read `tshark -T json` output, which repeats keys.

tshark writes one JSON key per field occurrence, so a frame with two data
records or two cflow layers holds the same key twice; json.loads keeps only
the last. loads() keeps them all: a repeated key's value is a Multi, a list
of every occurrence in order; vals() and one() read a value either way.
"""
import json


class Multi(list):
    """Every value of a key tshark repeated, in order."""


def _pairs(pairs):
    d = {}
    for k, v in pairs:
        if k not in d:
            d[k] = v
            continue
        if not isinstance(d[k], Multi):
            d[k] = Multi([d[k]])
        d[k].append(v)
    return d


def loads(text):
    return json.loads(text, object_pairs_hook=_pairs)


def vals(v):
    """Every occurrence of a value, as a list."""
    return list(v) if isinstance(v, Multi) else [v]


def one(v):
    """The first occurrence of a value."""
    return v[0] if isinstance(v, Multi) else v
