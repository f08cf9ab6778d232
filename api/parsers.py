import json

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser as BaseJSONParser


class JSONParser(BaseJSONParser):
    """JSON, refusing text that is not valid Unicode.

    JSON may escape half of a surrogate pair ("\\ud800") on its own: Python accepts it, but it cannot
    be stored or sent on. Refusing it here gives a clear 400 instead of a database error later.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        try:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise ParseError("The JSON contains text that is not valid Unicode (a lone surrogate escape).") from None
        return data
