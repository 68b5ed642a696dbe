"""The nesting depth of JSON text, measured before it is parsed (tinynet.jsontext)."""

import json

import pytest

from tinynet import DataError, ModelFileError
from tinynet.jsontext import MAX_DEPTH, nesting_depth, parse


def nested(depth):
    """Text nested ``depth`` levels deep, alternating lists and objects."""
    text = "1"
    for level in range(depth):
        text = "[{}]".format(text) if level % 2 else '{{"k": {}}}'.format(text)
    return text


@pytest.mark.parametrize("text,depth", [
    ("", 0), ("7", 0), ('"just a string"', 0), ("[]", 1), ("{}", 1), ("[[], {}, [[]]]", 3),
    ('{"a": [1, {"b": [2]}]}', 4),
    ('["[[[", "{{{"]', 1),                                # brackets inside strings do not count
    ('["]]]]", [[]]]', 3),                                # nor closing ones
    (r'["a \" [[[ \" still a string", []]', 2),            # escaped quotes stay inside the string
    (r'["ends in a backslash \\", [[]]]', 3),            # an escaped backslash, then the real quote
    (r'["\\\"[[[", []]', 2),                               # \\ then \" : still inside
    ('["\u00e9[\u2603", {"\u00fc": [[]]}]', 4),               # non-ASCII text inside strings
    ("[[]]]] [[[", 2),                                    # unbalanced (not JSON): the peak before it
])
def test_nesting_depth(text, depth):
    assert nesting_depth(text) == depth


def test_nesting_depth_matches_the_parser():
    for depth in (1, 2, 5, 40):
        text = nested(depth)
        assert json.loads(text) is not None and nesting_depth(text) == depth
    data = {"W": [[0.5, -1.0]], "names": ["[a]", "{b", 'say "]"\\'], "n": None}
    assert nesting_depth(json.dumps(data)) == 3


def test_an_unterminated_string_runs_to_the_end():
    assert nesting_depth('[["open ' + "[" * 10000) == 2
    assert nesting_depth('["' + '\\"' * 10000 + "\\") == 1      # linear: no rescans from each quote


def test_exactly_at_the_limit_parses_one_more_is_refused():
    assert parse(nested(MAX_DEPTH), "ok.json", "a file") is not None
    with pytest.raises(DataError) as error:
        parse(nested(MAX_DEPTH + 1), "deep.json", "a model file")
    assert str(error.value) == ("deep.json is not a model file: its JSON is nested deeper than {} "
                                "levels".format(MAX_DEPTH))


def test_far_too_deep_is_refused_before_parsing():
    for text in ("[" * 100000, "[" * 100000 + "]" * 100000, '{"a":' * 100000):
        with pytest.raises(ModelFileError, match="nested deeper than"):
            parse(text, "deep.json", "a model file", ModelFileError)


def test_parse_reads_bytes_and_names_the_file_when_it_is_not_json():
    assert parse(b'{"a": ["\xc3\xa9"]}', "f.json", "a file") == {"a": ["\u00e9"]}
    for text in (b"\xff[1]", "[1, ", '["[["', "", b"[1] extra"):
        with pytest.raises(DataError) as error:
            parse(text, "f.json", "a tinynet model file")
        assert str(error.value).startswith("f.json is not a tinynet model file: it is not valid JSON (")
