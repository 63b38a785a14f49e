"""What a user reads when something fails: short, translated, never a traceback."""

from __future__ import annotations

from bot.coaching.identity import IdentityProblem
from bot.crm.base import CRMError
from bot.i18n import Language, t

CRM_ERROR_KEYS = {
    "auth": "errors.crm_auth",
    "permission": "errors.crm_permission",
    "rate_limited": "errors.crm_rate_limited",
    "unavailable": "errors.crm_unavailable",
    "not_found": "errors.crm_not_found",
}


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
