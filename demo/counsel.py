"""What the demo's attorney writes in the memorandum's frame: the introduction, the client's goals and the
conclusion with the request. Drafting leaves prompts there ("[COUNSEL: ...]"); a person answers them, as here.
Everything is fictional (the State of Arden). Used by `load_demo --now` only."""

from __future__ import annotations

from html import escape

from audit.services import Actor
from engagements.selectors import client_goal_list
from narratives.models import Narrative
from narratives.services import section_save

INTRODUCTION = (
    "<p>Devon Michael Ashby comes before the Court for sentencing on one count of Robbery in the Second Degree and "
    "one count of Burglary. The defense asks the Court to impose a sentence of probation with treatment "
    "conditions, so that the work Mr. Ashby began after his arrest can continue.</p>"
    "<p>The records that follow show a childhood spent largely without safe adults: a birth complicated by his "
    "mother's drug use, removal to foster care at four, abuse in a foster home, and a grandmother who raised him "
    "and died when he was twelve. They also show what Mr. Ashby has done since his release: steady treatment, "
    "a parenting programme completed, a job, and progress toward his GED.</p>"
)
GOALS_LEAD = (
    "<p>Mr. Ashby told his defense team what he wants from this case. In his own words:</p>"
)
GOALS_CLOSE = (
    "<p>Each service described in the section before this one serves one of these goals, and each is one the "
    "Court can keep in place through conditions of probation.</p>"
)
CONCLUSION = (
    "<p>Mr. Ashby's history does not excuse the offense; it explains how a child failed by every adult and "
    "institution around him came to stand before this Court, and it shows a man now doing the work of changing "
    "course. Weighing the nature of the offense with his history and characteristics, the defense respectfully "
    "asks the Court to sentence Mr. Ashby to five years of probation, with conditions that he continue "
    "treatment, his GED classes and his work, and remain in transitional housing until his case manager approves "
    "a move.</p>"
)


def counsel_writes_the_frame(*, narrative: Narrative, attorney: Actor) -> int:
    """Replace the prompts for counsel with the attorney's text; returns how many sections were written. Sections
    someone already wrote (no prompt left) are left alone."""
    case = narrative.case
    # The goals Mr. Ashby set with his Advocate; his wish that foster care stay out of open court is not quoted.
    goals = [goal.text for goal in client_goal_list(case=case)]
    texts = {
        "introduction": INTRODUCTION,
        "the client's goals": GOALS_LEAD
        + "<blockquote>" + "".join(f"<p>“{escape(goal)}”</p>" for goal in goals) + "</blockquote>" + GOALS_CLOSE,
        "conclusion": CONCLUSION,
    }
    written = 0
    for section in narrative.sections.all():
        text = texts.get(section.title.strip().lower())
        if text is None or (section.body.strip() and "[COUNSEL" not in section.body):
            continue
        section_save(section=section, body=text, expected_version=section.version, actor=attorney)
        written += 1
    return written
