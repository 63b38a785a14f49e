"""The team view pages through many managers within Slack's block limits."""

from __future__ import annotations

import csv
import io

import pytest

from bot.coaching.team import ManagerProgress, team_csv
from bot.render.team import team_message


def _progress(n: int) -> ManagerProgress:
    return ManagerProgress(f"U{n:04d}", f"=Manager {n:02d}", 1, 2, 3, 1, 10, 12, 4, None, None)


def test_pages_hold_ten_managers_and_say_how_to_see_more() -> None:
    everyone = [_progress(n) for n in range(23)]

    first, last = team_message(everyone, page=1, language="en"), team_message(everyone, page=3, language="en")

    assert len(first["blocks"]) == 12 and len(first["blocks"]) <= 50
    assert "Page 1 of 3 · `/crmcoach team 2` for more" in first["blocks"][-1]["elements"][0]["text"]
    assert len(last["blocks"]) == 5 and "Page 3 of 3" in last["blocks"][-1]["elements"][0]["text"]
    assert team_message(everyone, page=99, language="de")["blocks"][-1]["elements"][0]["text"].startswith(
        "Seite 3"
    )


def test_the_csv_cannot_smuggle_spreadsheet_formulas() -> None:
    rows = team_csv([_progress(1)]).splitlines()

    assert rows[1].startswith("'=Manager 01,U0001,1,2,3,1,10,12,4,,")


@pytest.mark.parametrize("name", ["\t=1+1", "\r=1+1", "+1", "-1", "@SUM(A1)"])
def test_no_csv_cell_starts_like_a_formula(name: str) -> None:
    progress = ManagerProgress("U1", name, 1, 2, 3, 1, 10, 12, 4, None, None)

    [cell] = next(csv.reader(io.StringIO(team_csv([progress]).split("\n", 1)[1])))[:1]

    assert cell == "'" + name


def test_the_csv_keeps_names_as_written() -> None:
    name = "`Harbor` *& Co* <!channel>"  # Slack's escaping is for Slack, not for a spreadsheet
    progress = ManagerProgress("U1", name, 1, 2, 3, 1, 10, 12, 4, None, None)

    assert next(csv.reader(io.StringIO(team_csv([progress]).split("\n", 1)[1])))[0] == name
