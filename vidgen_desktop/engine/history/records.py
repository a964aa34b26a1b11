"""The rows, as dataclasses: what the History tab, the CLI and the estimates read."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any


class Status(str, Enum):
    """A history row's state. ``running`` is written at the start; a process that dies leaves it,
    and the next open turns it into ``interrupted``."""

    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"


class QueueStatus(str, Enum):
    PENDING = "pending"
    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


def _loads(text: str | None) -> Any:
    return json.loads(text) if text else None


@dataclass(frozen=True)
class HistoryEntry:
    """One render. Sizes in bytes, times in seconds since the epoch (``started_at``) or seconds (``wall_s``)."""

    id: int
    status: Status
    started_at: float
    ended_at: float | None
    wall_s: float | None
    image: Path
    audio: Path
    inputs_hash: str | None
    settings_json: str
    settings_key: str
    requested_tier: str | None
    tier: str | None
    model: str | None
    ai_plan_json: str | None
    output: Path
    output_bytes: int | None
    peak_ram_bytes: int | None
    peak_vram_bytes: int | None
    width: int | None
    height: int | None
    fps: float | None
    frames: int | None
    duration_s: float | None
    error: str | None
    error_category: str | None
    hint: str | None
    notes_json: str | None
    app_version: str | None
    machine: str | None
    queue_id: int | None

    @property
    def settings(self) -> dict[str, Any]:
        """Every setting of the render (the job's, the AI options, the narration): "render again" uses it."""
        value = _loads(self.settings_json)
        return value if isinstance(value, dict) else {}

    @property
    def ai_plan(self) -> dict[str, Any] | None:
        value = _loads(self.ai_plan_json)
        return value if isinstance(value, dict) else None

    @property
    def notes(self) -> list[str]:
        value = _loads(self.notes_json)
        return [str(n) for n in value] if isinstance(value, list) else []

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "status": self.status.value, "started_at": self.started_at, "ended_at": self.ended_at,
            "wall_s": self.wall_s, "image": str(self.image), "audio": str(self.audio),
            "inputs_hash": self.inputs_hash, "settings": self.settings, "requested_tier": self.requested_tier,
            "tier": self.tier, "model": self.model, "ai_plan": self.ai_plan, "output": str(self.output),
            "output_bytes": self.output_bytes, "peak_ram_bytes": self.peak_ram_bytes,
            "peak_vram_bytes": self.peak_vram_bytes, "width": self.width, "height": self.height, "fps": self.fps,
            "frames": self.frames, "duration_s": self.duration_s, "error": self.error,
            "error_category": self.error_category, "hint": self.hint, "notes": self.notes,
            "app_version": self.app_version, "machine": self.machine, "queue_id": self.queue_id,
        }

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> HistoryEntry:
        return cls(
            id=row["id"], status=Status(row["status"]), started_at=row["started_at"], ended_at=row["ended_at"],
            wall_s=row["wall_s"], image=Path(row["image"]), audio=Path(row["audio"]),
            inputs_hash=row["inputs_hash"], settings_json=row["settings"], settings_key=row["settings_key"],
            requested_tier=row["requested_tier"], tier=row["tier"], model=row["model"],
            ai_plan_json=row["ai_plan"], output=Path(row["output"]), output_bytes=row["output_bytes"],
            peak_ram_bytes=row["peak_ram_bytes"], peak_vram_bytes=row["peak_vram_bytes"], width=row["width"],
            height=row["height"], fps=row["fps"], frames=row["frames"], duration_s=row["duration_s"],
            error=row["error"], error_category=row["error_category"], hint=row["hint"], notes_json=row["notes"],
            app_version=row["app_version"], machine=row["machine"], queue_id=row["queue_id"],
        )


@dataclass(frozen=True)
class QueueEntry:
    """One queued job: the job and its options as stored JSON (``core.job_codec`` reads ``job``)."""

    id: int
    position: float
    status: QueueStatus
    job: dict[str, Any]
    options: dict[str, Any]
    label: str
    created_at: float
    updated_at: float
    history_id: int | None
    error: str | None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> QueueEntry:
        return cls(
            id=row["id"], position=row["position"], status=QueueStatus(row["status"]), job=json.loads(row["job"]),
            options=json.loads(row["options"] or "{}"), label=row["label"], created_at=row["created_at"],
            updated_at=row["updated_at"], history_id=row["history_id"], error=row["error"],
        )
