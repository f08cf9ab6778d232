import io
import json

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as BaseJSONParser

# No request the API takes nests deeper than a few levels; Python's parser recurses per level and
# would end in a RecursionError (a 500) long before the request size limit.
MAX_DEPTH = 32


def nesting_depth(text: bytes) -> int:
    """How deeply arrays and objects nest, counting brackets outside strings, without parsing."""
    depth = deepest = 0
    in_string = escaped = False
    for byte in text:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


class JSONParser(BaseJSONParser):
    """JSON, refusing text that is not valid Unicode.

    JSON may escape half of a surrogate pair ("\\ud800") on its own: Python accepts it, but it cannot
    be stored or sent on. Refusing it here gives a clear 400 instead of a database error later.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read()
        # Counting brackets is fast; only a body with enough of them to be too deep is scanned.
        if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH and nesting_depth(raw) > MAX_DEPTH:
            raise ParseError(f"The JSON is nested more than {MAX_DEPTH} levels deep.")
        data = super().parse(io.BytesIO(raw), media_type, parser_context)
        try:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise ParseError("The JSON contains text that is not valid Unicode (a lone surrogate escape).") from None
        return data
