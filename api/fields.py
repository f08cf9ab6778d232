"""Input fields with the bounds a real record has.

Years like 0001 or 9999 parse as dates but break arithmetic further on (a 72-hour deadline after
31 December 9999, a local time before 0001): they are refused at the door as the typing errors
they are, with a message that says so.
"""

from datetime import date

from rest_framework import serializers

EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)
RANGE_MESSAGE = "Enter a date between 1900 and 2199: check the year."
# The largest id the database can hold (a signed 64-bit integer).
MAX_ID = 2**63 - 1


class IdField(serializers.IntegerField):
    """The id of a record: a whole number the database can hold."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)
        self.error_messages["max_value"] = "No record has an id that large."
        self.error_messages["min_value"] = "Ids start at 1."


class DateField(serializers.DateField):
    def to_internal_value(self, value):
        result = super().to_internal_value(value)
        if not EARLIEST <= result <= LATEST:
            raise serializers.ValidationError(RANGE_MESSAGE, code="out_of_range")
        return result


class DateTimeField(serializers.DateTimeField):
    """ISO 8601; a time without an offset is UK local time, as on the web forms."""

    def to_internal_value(self, value):
        result = super().to_internal_value(value)  # already in UK time; an overflow is a 400 there
        if not EARLIEST <= result.date() <= LATEST:
            raise serializers.ValidationError(RANGE_MESSAGE, code="out_of_range")
        return result


class SlugRelatedField(serializers.SlugRelatedField):
    """A record by its code. Text that no code could be (too long, or with NUL characters, which
    PostgreSQL refuses) is answered as an unknown code without asking the database."""

    def to_internal_value(self, data):
        if not isinstance(data, str) or "\x00" in data or len(data) > 100:
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:100].replace("\x00", ""))
        return super().to_internal_value(data)
