"""The quality report: findings with stable codes, and the score they add up to.

Score: 100 minus a fixed cost per finding, at least 0, a whole number.

* a ``fail`` costs :data:`FAIL_COST` (30): one fail leaves at most 70, four leave 0. A fail is
  something a creator must not publish (text under YouTube's badge, letters unreadable in the
  feed, contrast under WCAG's 4.5:1, a character drawn as a box);
* a ``warn`` costs :data:`WARN_COST` (8): worth a look, not a reason to reject the render (letters
  between legible and failing at feed size, an orphan word, a truncated title);
* advice (:data:`ADVICE_CODES`, ``headline_suggested``) costs nothing: it accompanies a fail that
  has already been counted and says what to do about it.

Each code is one finding (the worst instance, the others counted in its message), so a title of
five lines under the badge costs what one line does: the score ranks renders by how many kinds of
problem they have and how serious, which is what choosing among candidates needs.
"""

from __future__ import annotations

from typing import Any, Literal

from msgspec import Struct
from msgspec.structs import asdict

Severity = Literal["fail", "warn"]

FAIL_COST = 30
WARN_COST = 8
ADVICE_CODES = frozenset({"headline_suggested"})


class Finding(Struct, frozen=True):
    """One problem: a stable snake_case ``code``, a sentence for people, and where it applies the
    measured ``value`` and the ``limit`` it crossed (units in the message)."""

    code: str
    message: str
    value: float | None
    limit: float | None
    severity: Severity

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Quality(Struct, frozen=True):
    """A render's quality: ``score`` 0-100 and the ``findings`` behind it (fails first)."""

    score: int
    findings: tuple[Finding, ...]

    @property
    def passed(self) -> bool:
        """No finding of severity ``fail``."""
        return not any(finding.severity == "fail" for finding in self.findings)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(finding.code for finding in self.findings)

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "passed": self.passed, "findings": [f.to_dict() for f in self.findings]}

    def describe(self) -> str:
        """The report for people: ``quality 70/100 (fails)`` then one line per finding."""
        verdict = "passes" if self.passed else "fails"
        lines = [f"quality {self.score}/100 ({verdict})"]
        lines += [f"  {f.severity:<4} {f.code}: {f.message}" for f in self.findings]
        return "\n".join(lines)

    @classmethod
    def from_findings(cls, findings: list[Finding] | tuple[Finding, ...]) -> "Quality":
        ordered = tuple(sorted(findings, key=lambda f: (f.severity != "fail", f.code in ADVICE_CODES)))
        return cls(score=score(ordered), findings=ordered)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Quality":
        """The inverse of :meth:`to_dict` (for a report stored as JSON)."""
        findings = tuple(Finding(f["code"], f["message"], f["value"], f["limit"], f["severity"]) for f in data["findings"])
        return cls(score=int(data["score"]), findings=findings)


def score(findings: tuple[Finding, ...] | list[Finding]) -> int:
    """100 minus :data:`FAIL_COST` per fail and :data:`WARN_COST` per warn (advice is free), >= 0."""
    cost = sum(0 if f.code in ADVICE_CODES else FAIL_COST if f.severity == "fail" else WARN_COST for f in findings)
    return max(0, 100 - cost)


__all__ = ["ADVICE_CODES", "FAIL_COST", "WARN_COST", "Finding", "Quality", "Severity", "score"]
