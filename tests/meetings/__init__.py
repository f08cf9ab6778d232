from datetime import datetime


def sign_off_held(meeting, chair, *, now: datetime | None = None):
    """Sign off as the chair would once the meeting was held: every item with nothing recorded
    confirmed as not discussed."""
    from meetings import agenda, services

    return services.meeting_sign_off(
        actor=chair,
        meeting=meeting,
        not_discussed=set(agenda.undiscussed_items(meeting).values_list("pk", flat=True)),
        now=now,
    )
