"""Reads the strategic action plan out of seed 002's text, independently of the app (issue 17 part 3).

The seed is the plan as a table, one tab-separated row per line: a header row at every page break, a
row per priority ("<b>1</b>", "<b>Title – Lead</b>"), a row per action ("1.1", what, how, who, when,
difference, progress), and rows with an empty first cell that carry on the action above (the same
action continued over a page break, or a further "how" with its own who and when). Cells carry a
little HTML: paragraphs, rules and list items become separate lines; two spaces in a plain cell are a
line break too. The progress cell starts with the rating (Red, Amber or Green); the rest is its
commentary.
"""

import html
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED_COPY = HERE / "data" / "seed_002_action_plan.txt"
# The shared seeds beside the checkout, when they are there (the copy must not drift from them).
SHARED_SEEDS = HERE.parents[2] / "shared" / "seeds"

FIELDS = ("what", "how", "who", "when", "difference")
# Columns of prose, where a page break can cut a sentence ("who" and "when" are lists of names and dates).
SENTENCES = {"what", "how", "difference", "commentary"}
RATINGS = ("red", "amber", "green")
_BREAK = re.compile(r"</p>|<hr\s*/?>|</li>|<li>|<ul[^>]*>|</ul>|<br\s*/?>")
_RATING = re.compile(r"^(Red|Amber|Green)\b[\s.–-]*", re.IGNORECASE)


def lines_of(cell: str) -> list[str]:
    """A cell's text as lines: markup dropped, entities decoded, whitespace within a line tidied."""
    text = _BREAK.sub("\n", cell)
    text = re.sub(r"<[^>]+>", "", text)
    text = html.unescape(text)
    lines = []
    for part in text.split("\n"):
        for line in re.split(r"\s{2,}", part):
            line = line.strip()
            if line:
                lines.append(line)
    return lines


def _rating(lines: list[str]) -> tuple[str, list[str]]:
    if not lines:
        return "", []
    match = _RATING.match(lines[0])
    if not match:
        return "", lines
    rest = lines[0][match.end() :].strip()
    return match.group(1).lower(), ([rest] if rest else []) + lines[1:]


def _carry_on(lines: list[str], more: list[str], *, page_break: bool) -> None:
    """A row carrying on the action above: its lines follow the action's. A sentence cut by a page
    break ("... the same definition of" | "MET/CSE. ...") is one line again: the first continuation
    row after a page's header row, ending in a lower-case letter, not a list item next."""
    if page_break and lines and more and lines[-1][-1:].islower() and not more[0].startswith("•"):
        lines[-1] = f"{lines[-1]} {more[0]}"
        more = more[1:]
    lines += more


def _priority(cells: list[str]) -> dict:
    number = int(lines_of(cells[0])[0])
    heading = " ".join(lines_of(cells[1]))
    title, _, lead = re.split(r"\s+([–-])\s+", heading, maxsplit=1)
    lead = re.sub(r"\s+lead$", "", lead, flags=re.IGNORECASE)
    return {"number": number, "title": title.strip(), "lead": lead.strip()}


def parse(text: str) -> dict:
    """{"priorities": [{number, title, lead}], "actions": [{ref, priority, what, how, who, when,
    difference, rating, commentary}]}, in the seed's order, each field's lines joined by newlines."""
    priorities, actions = [], []
    in_table = after_header = False
    current = None
    for raw in text.splitlines():
        if "\t" not in raw:
            continue
        cells = raw.split("\t")
        cells += [""] * (7 - len(cells))
        first = cells[0].strip()
        if "What are we going to do" in cells[1]:
            in_table = after_header = True
            continue
        if not in_table:
            continue
        if re.fullmatch(r"<b>\d+</b>", first):
            priorities.append(_priority(cells))
            current, after_header = None, False
            continue
        if re.fullmatch(r"\d+\.\d+", first):
            rating, commentary = _rating(lines_of(cells[6]))
            current = {"ref": first, "priority": priorities[-1]["number"]}
            current.update({name: lines_of(cells[i + 1]) for i, name in enumerate(FIELDS)})
            current.update(rating=rating, commentary=commentary)
            actions.append(current)
            after_header = False
            continue
        if first == "" and current is not None:
            for i, name in enumerate(FIELDS):
                _carry_on(current[name], lines_of(cells[i + 1]), page_break=after_header and name in SENTENCES)
            # A further "how" may carry its own rating (4.2's CAMHS line is Green, 5.4's second Amber):
            # kept word for word in the commentary, since the action has one rating, its first row's.
            _carry_on(current["commentary"], lines_of(cells[6]), page_break=after_header)
            after_header = False
            continue
        raise ValueError(f"A row the parser does not understand: {raw[:80]!r}")
    for action in actions:
        for name in (*FIELDS, "commentary"):
            action[name] = "\n".join(action[name])
    return {"priorities": priorities, "actions": actions}


def seed_text() -> str:
    return SEED_COPY.read_text(encoding="utf-8")


def shared_seed() -> Path | None:
    found = sorted(SHARED_SEEDS.glob("002_*.txt")) if SHARED_SEEDS.is_dir() else []
    return found[0] if found else None
