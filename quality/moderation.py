"""Who must answer before the lead may moderate a sampled case (issue 17).

Each auditing agency (an agency with an auditor on the round) answers for its own involvement. The
agencies that must have answered are the auditing agencies involved in the case; when none of them is
involved, every auditing agency must answer (someone has to look at the records). Moderation waits
until every one of them has answered.
"""


def agencies_to_answer(*, involved: set[int], auditing: set[int]) -> set[int]:
    return (involved & auditing) or set(auditing)


def waiting_for(sampled, *, auditing: dict[int, str]) -> list[str]:
    """The short names of the agencies whose answer the case still waits for (empty when moderation may go
    ahead). `auditing`: the round's auditing agencies, id → short name. Reads the case's involved agencies
    and answers through `.all()`, so a page that prefetched them makes no query here."""
    involved = {agency.pk for agency in sampled.case.agencies_involved.all()}
    needed = agencies_to_answer(involved=involved, auditing=set(auditing))
    answered = {answer.agency_id for answer in sampled.answers.all()}
    return sorted(auditing[pk] for pk in needed - answered)
