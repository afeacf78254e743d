"""The exact checklist of a dossier: which of a procedure's documents it
needs, given the channel it comes by and the applicant's answers to the
procedure's questions.

Plain data in, plain data out (the documents of `Procedure.terms_for`), so
the citizen's application, the counter's intake, the API and the procedure
page all ask the same function. The rules, from the national records:

- A document may be for paper applications only (the declaration "theo mẫu"
  when applying in person or by post) or online ones only (the interactive
  e-form): it is left out on the other channels.
- A document conditional on a question ("Trường hợp trẻ em bị bỏ rơi ...")
  is needed when the answer is yes and left out when it is no.
- What remains is needed, or one of a group of alternatives ("một trong các
  giấy tờ sau"), or brought only if the applicant has one ("nếu có").
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

REQUIRED = "required"
ONE_OF = "one_of"
IF_ANY = "if_any"
# Needed only if the answer to its question is yes, and not yet answered.
IF_YES = "if_yes"

PAPER_CHANNELS = frozenset({"in_person", "post"})


class Unanswered(ValueError):
    """The answers do not settle every question the checklist depends on."""

    def __init__(self, messages: list[str]):
        super().__init__(" ".join(messages))
        self.messages = messages


def on_channel(scope: str, channel: str) -> bool:
    """Whether a document of `scope` ("", "online" or "paper") is asked for
    on `channel`."""
    if scope == "online":
        return channel == "online"
    if scope == "paper":
        return channel in PAPER_CHANNELS
    return True


def questions_asked(
    questions: Iterable[Mapping[str, Any]], documents: Iterable[Mapping[str, Any]], channel: str
) -> list[Mapping[str, Any]]:
    """The questions that change the checklist on `channel`: those some
    document on that channel depends on, in the procedure's order."""
    used = {doc["condition"] for doc in documents if doc.get("condition") and on_channel(doc.get("scope", ""), channel)}
    return [question for question in questions if question["key"] in used]


def check_answers(questions: Iterable[Mapping[str, Any]], answers: Mapping[str, Any]) -> dict[str, bool]:
    """`answers` as {key: bool} for exactly `questions`; `Unanswered` names
    each question left unanswered and each key that is not a question."""
    keys = [question["key"] for question in questions]
    problems = []
    for key in keys:
        if not isinstance(answers.get(key), bool):
            text = next(question["text"] for question in questions if question["key"] == key)
            problems.append(_("Answer yes or no: “%(question)s” (%(key)s).") % {"question": text, "key": key})
    for key in answers:
        if key not in keys:
            problems.append(_("“%(key)s” is not a question of this procedure.") % {"key": str(key)[:50]})
    if problems:
        raise Unanswered(problems)
    return {key: answers[key] for key in keys}


def checklist(
    documents: Iterable[Mapping[str, Any]], channel: str, answers: Mapping[str, bool] | None
) -> list[dict[str, Any]]:
    """The documents a dossier on `channel` with `answers` needs, each a copy
    of its terms with "need": REQUIRED, ONE_OF (one of its group is enough),
    IF_ANY, or IF_YES when `answers` is None (not answered yet: the
    procedure's page, a draft before its questions). Documents keep their
    "position" in the procedure's list, so that a changed answer never moves
    a file to another document."""
    listed = []
    for doc in documents:
        if not on_channel(doc.get("scope", ""), channel):
            continue
        condition = doc.get("condition")
        if condition and answers is not None and not answers.get(condition, False):
            continue
        if condition and answers is None:
            need = IF_YES
        elif not doc["is_mandatory"]:
            need = IF_ANY
        elif doc.get("group"):
            need = ONE_OF
        else:
            need = REQUIRED
        listed.append({**doc, "need": need})
    return listed
