"""Someone else's people and units (prompts/coach/others.toml), read once for both rules that tell them
from the asker's own: the "only your own deals" line of a numbers answer (others_asked.py) and the hostile
rule on another's pay or private notes (kind_hostile.py)."""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any

from bot.i18n import LANGUAGES
from bot.paths import PROMPTS_DIR

OTHERS_FILE = PROMPTS_DIR / "coach" / "others.toml"
# The letters a written name starts and goes on with, Latin-1 too: "Jürgen", "Özlem", "Søren" are names
# as much as "Sarah" (both rules must see the same people).
NAME_CAPITALS = "A-ZÀ-ÖØ-Þ"
NAME_LETTERS = "a-zß-öø-ÿ"
CAPITALISED_NAME = rf"[{NAME_CAPITALS}][{NAME_LETTERS}]+"


@cache
def others_terms() -> dict[str, Any]:
    with OTHERS_FILE.open("rb") as handle:
        return tomllib.load(handle)


def others_people() -> list[str]:
    """People whose pay or notes are not the asker's to see, in every language."""
    return [term for language in LANGUAGES for term in others_terms()["others_people"][language]]
