"""A roster CSV (email,manager_email) that defines teams where the CRM has no usable structure."""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from pathlib import Path

from bot.crm.base import Owner

REQUIRED_COLUMNS = ("email", "manager_email")


class RosterError(ValueError):
    """The roster file cannot be used; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Roster:
    manager_email_by_email: dict[str, str]

    @classmethod
    def load(cls, path: Path) -> Roster:
        try:
            with path.open(newline="", encoding="utf-8-sig") as handle:
                reader = csv.DictReader(handle)
                missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
                if missing:
                    raise RosterError(
                        f"{path}:1: missing column(s) {', '.join(missing)}; "
                        f"expected a header line 'email,manager_email'"
                    )
                mapping: dict[str, str] = {}
                for line, row in enumerate(reader, start=2):
                    email = (row.get("email") or "").strip().lower()
                    manager = (row.get("manager_email") or "").strip().lower()
                    if "@" not in email:
                        raise RosterError(f"{path}:{line}: '{email}' is not an e-mail address")
                    if manager and "@" not in manager:
                        raise RosterError(f"{path}:{line}: '{manager}' is not an e-mail address")
                    if email in mapping:
                        raise RosterError(f"{path}:{line}: {email} is listed twice")
                    mapping[email] = manager
        except OSError as exc:
            raise RosterError(f"{path}: cannot read the roster ({exc.strerror})") from None
        return cls(mapping)

    def apply(self, owners: list[Owner]) -> list[Owner]:
        """Owners with manager_crm_id taken from the roster (CRM structure kept for unlisted owners)."""
        id_by_email = {owner.email.lower(): owner.crm_id for owner in owners if owner.email}
        result = []
        for owner in owners:
            email = owner.email.lower()
            if email not in self.manager_email_by_email:
                result.append(owner)
                continue
            manager_email = self.manager_email_by_email[email]
            manager_id = id_by_email.get(manager_email) if manager_email else None
            result.append(replace(owner, manager_crm_id=manager_id))
        return result
