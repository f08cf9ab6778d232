"""What the cases services share."""

CASE_PERMS = ("view_case", "change_case")


IDENTIFIERS = ("police_number", "csc_number", "nhs_number")


OLDEST_AGE_YEARS = 25  # the service may keep working with care leavers up to 25
