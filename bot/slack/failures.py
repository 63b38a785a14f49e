"""What a user reads when something fails: short, translated, never a traceback.

`failure_text` is the one place that decides: problems the user or their CRM can explain get their own
message; anything else is our bug, logged in full, and the user gets an apology.
"""

from __future__ import annotations

import logging

from bot.coaching.identity import IdentityProblem
from bot.crm.base import CRMError
from bot.i18n import Language, t

log = logging.getLogger(__name__)

CRM_ERROR_KEYS = {
    "auth": "errors.crm_auth",
    "permission": "errors.crm_permission",
    "rate_limited": "errors.crm_rate_limited",
    "unavailable": "errors.crm_unavailable",
    "not_found": "errors.crm_not_found",
}


def failure_text(
    error: BaseException, *, what: str, team_id: str, user_id: str, language: Language, crm: str
) -> str:
    """The reply to `user_id` for `error`, raised while doing `what` (e.g. "/crmcoach stats")."""
    if isinstance(error, IdentityProblem):
        return identity_problem_text(error, crm=crm, user_id=user_id)
    if isinstance(error, CRMError):
        log.warning("%s: CRM error for %s/%s: %s (%s)", what, team_id, user_id, error, error.kind)
        return crm_error_text(error, crm=crm, language=language)
    log.error("%s failed for %s/%s", what, team_id, user_id, exc_info=error)
    return generic_error_text(language)


def identity_problem_text(problem: IdentityProblem, *, crm: str, user_id: str) -> str:
    return t(
        problem.language,
        f"identity.{problem.kind}",
        crm=crm,
        user_id=user_id,
        email=problem.email,
        error=problem.error,
    )


def crm_error_text(error: CRMError, *, crm: str, language: Language) -> str:
    return t(language, CRM_ERROR_KEYS.get(error.kind, "errors.crm_error"), crm=crm)


def generic_error_text(language: Language) -> str:
    return t(language, "errors.generic")
