"""The HubSpot stand-in's deal pipelines, as GET /crm/v3/pipelines/deals documents them.

Two pipelines share a stage label ("Negotiation"): a manager asking for it means both. Each pipeline
has its closed stages (metadata.isClosed "true") and the second an archived stage; stages are listed
out of order, so that only displayOrder gives the pipeline's order. Not paginated, like HubSpot's.
"""

from __future__ import annotations

from typing import Any

SALES, RENEWALS = "default", "renewals"
SHARED_LABEL = "Negotiation"


def _stage(
    identifier: str, label: str, order: int, *, closed: bool = False, archived: bool = False
) -> dict[str, Any]:
    return {
        "id": identifier,
        "label": label,
        "displayOrder": order,
        "metadata": {"isClosed": "true" if closed else "false", "probability": "1.0" if closed else "0.2"},
        "archived": archived,
        "createdAt": "2024-01-08T09:00:00.000Z",
        "updatedAt": "2024-01-08T09:00:00.000Z",
        "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
    }


def world_pipelines(labels: tuple[str, ...]) -> list[dict[str, Any]]:
    """The world's open stages (numeric ids, as custom stages get) in the sales pipeline, then its closed
    ones; a renewals pipeline with its own Negotiation stage, closed stages and an archived stage."""
    sales = [_stage(str(1001 + order), label, order) for order, label in enumerate(labels)]
    sales += [
        _stage("closedwon", "Closed won", len(labels), closed=True),
        _stage("closedlost", "Closed lost", len(labels) + 1, closed=True),
    ]
    renewals = [
        _stage("2001", SHARED_LABEL, 0),
        _stage("2002", "Legacy review", 1, archived=True),
        _stage("2098", "Renewed", 2, closed=True),
        _stage("2099", "Churned", 3, closed=True),
    ]
    return [
        _pipeline(RENEWALS, "Renewals", 1, renewals),
        _pipeline(SALES, "Sales Pipeline", 0, sales),
    ]


def stage_id(labels: tuple[str, ...], label: str, deal_number: int) -> str:
    """An open deal's dealstage: Negotiation deals with an even number sit in the renewals pipeline."""
    if label == SHARED_LABEL and deal_number % 2 == 0:
        return "2001"
    return str(1001 + labels.index(label))


def pipeline_of(stage: str) -> str:
    return RENEWALS if stage.startswith("20") else SALES


def _pipeline(pipeline_id: str, label: str, order: int, stages: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": pipeline_id,
        "label": label,
        "displayOrder": order,
        "stages": list(reversed(stages)),
        "archived": False,
        "createdAt": "2024-01-08T09:00:00.000Z",
        "updatedAt": "2024-01-08T09:00:00.000Z",
    }
