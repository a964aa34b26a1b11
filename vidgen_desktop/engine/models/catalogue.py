"""The model catalogue: built-in entries from ``catalogue.json`` plus the user's own entries.

The list of models is data, so adding a model or fixing an allow-pattern needs no code
change. User entries (a fine-tuned checkpoint by repo id) live in
``<models_dir>/user-entries.json`` and are built from a built-in entry of the same
*kind*, with the user's repo in place of the template's.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from vidgen_desktop.engine.models.errors import CatalogueError, UnknownModelError

USER_ENTRIES_NAME = "user-entries.json"
KINDS: tuple[str, ...] = ("svd", "svd-xt", "animatediff", "ltx", "wan", "xtts", "bark", "whisper", "m2m100", "nllb",
                          "opus-mt")

#: Ids become folder names: lower case, no separators, no leading dot.
ID_RE = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
#: ``owner/name`` as the Hugging Face hub spells repo ids.
REPO_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*")


@dataclass(frozen=True)
class Licence:
    name: str
    url: str
    accept_required: bool = False
    #: The source this licence covers; ``None`` = the whole model.
    role: str | None = None


@dataclass(frozen=True)
class Source:
    """One repo the model is made of, placed under ``subdir`` of the model folder."""

    role: str
    repo: str
    revision: str = "main"
    subdir: str = ""
    allow: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    prefer: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    fallback_repos: tuple[str, ...] = ()

    @property
    def repos(self) -> tuple[str, ...]:
        """The repo, then the ones tried when it is gated or gone."""
        return (self.repo, *self.fallback_repos)


@dataclass(frozen=True)
class CatalogueEntry:
    id: str
    name: str
    kind: str
    tier: str
    sources: tuple[Source, ...]
    download_bytes: int | None = None
    vram_gb: float | None = None
    ram_gb: float | None = None
    gated: bool = False
    licences: tuple[Licence, ...] = ()
    description: str = ""
    builtin: bool = True

    @property
    def repo(self) -> str:
        return self.sources[0].repo

    @property
    def revision(self) -> str:
        return self.sources[0].revision

    @property
    def licences_to_accept(self) -> tuple[Licence, ...]:
        return tuple(lic for lic in self.licences if lic.accept_required)

    def source(self, role: str) -> Source:
        for s in self.sources:
            if s.role == role:
                return s
        raise CatalogueError(f"{self.id}: no component {role!r} (has {', '.join(s.role for s in self.sources)})")

    def to_json_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "tier": self.tier,
            "description": self.description,
            "repo": self.repo,
            "revision": self.revision,
            "sources": [_source_to_dict(s) for s in self.sources],
            "download_bytes": self.download_bytes,
            "vram_gb": self.vram_gb,
            "ram_gb": self.ram_gb,
            "gated": self.gated,
            "licences": [_licence_to_dict(lic) for lic in self.licences],
            "builtin": self.builtin,
        }


@dataclass(frozen=True)
class Catalogue:
    """Built-in and user entries by id (user entries can never shadow built-in ones)."""

    entries: Mapping[str, CatalogueEntry]
    kinds: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    def get(self, model_id: str) -> CatalogueEntry:
        try:
            return self.entries[model_id]
        except KeyError:
            raise UnknownModelError(model_id, self.entries) from None

    def __iter__(self) -> Iterator[CatalogueEntry]:
        return iter(self.entries.values())

    def __contains__(self, model_id: object) -> bool:
        return model_id in self.entries

    def ids(self) -> tuple[str, ...]:
        return tuple(self.entries)


# --------------------------------------------------------------------------- parsing


def _str_tuple(raw: Any, where: str) -> tuple[str, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise CatalogueError(f"{where}: expected a list of strings")
    return tuple(raw)


def _source_from_dict(raw: Any, where: str) -> Source:
    if not isinstance(raw, dict) or not isinstance(raw.get("repo"), str) or not isinstance(raw.get("role"), str):
        raise CatalogueError(f"{where}: a source needs 'role' and 'repo' strings")
    return Source(
        role=raw["role"],
        repo=raw["repo"],
        revision=str(raw.get("revision") or "main"),
        subdir=str(raw.get("subdir") or "").strip("/"),
        allow=_str_tuple(raw.get("allow"), where),
        ignore=_str_tuple(raw.get("ignore"), where),
        prefer=_str_tuple(raw.get("prefer"), where),
        required=_str_tuple(raw.get("required"), where),
        fallback_repos=_str_tuple(raw.get("fallback_repos"), where),
    )


def _source_to_dict(s: Source) -> dict[str, Any]:
    return {
        "role": s.role,
        "repo": s.repo,
        "revision": s.revision,
        "subdir": s.subdir,
        "allow": list(s.allow),
        "ignore": list(s.ignore),
        "prefer": list(s.prefer),
        "required": list(s.required),
        "fallback_repos": list(s.fallback_repos),
    }


def _licence_to_dict(lic: Licence) -> dict[str, Any]:
    return {"name": lic.name, "url": lic.url, "accept_required": lic.accept_required, "role": lic.role}


def entry_from_dict(raw: Any, *, builtin: bool) -> CatalogueEntry:
    """Parse one entry; raises :class:`CatalogueError` naming the bad entry."""
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise CatalogueError("catalogue entry without an 'id'")
    mid = raw["id"]
    where = f"catalogue entry {mid!r}"
    if not ID_RE.fullmatch(mid):
        raise CatalogueError(f"{where}: ids are lower-case letters, digits, '.', '_' or '-'")
    raw_sources = raw.get("sources")
    if not isinstance(raw_sources, list) or not raw_sources:
        raise CatalogueError(f"{where}: needs at least one source")
    sources = tuple(_source_from_dict(s, where) for s in raw_sources)
    licences = []
    for lic in raw.get("licences") or []:
        if not isinstance(lic, dict) or not isinstance(lic.get("name"), str):
            raise CatalogueError(f"{where}: a licence needs a 'name'")
        licences.append(
            Licence(
                name=lic["name"],
                url=str(lic.get("url") or ""),
                accept_required=bool(lic.get("accept_required", False)),
                role=lic.get("role") if isinstance(lic.get("role"), str) else None,
            )
        )

    def _num(key: str) -> float | None:
        v = raw.get(key)
        return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None

    size = raw.get("download_bytes")
    return CatalogueEntry(
        id=mid,
        name=str(raw.get("name") or mid),
        kind=str(raw.get("kind") or ""),
        tier=str(raw.get("tier") or ""),
        sources=sources,
        download_bytes=int(size) if isinstance(size, int) and not isinstance(size, bool) else None,
        vram_gb=_num("vram_gb"),
        ram_gb=_num("ram_gb"),
        gated=bool(raw.get("gated", False)),
        licences=tuple(licences),
        description=str(raw.get("description") or ""),
        builtin=builtin,
    )


def load_builtin_catalogue() -> Catalogue:
    """Read the catalogue shipped in the package (``catalogue.json``, package data)."""
    text = resources.files(__package__).joinpath("catalogue.json").read_text(encoding="utf-8")
    data = json.loads(text)
    entries: dict[str, CatalogueEntry] = {}
    for raw in data["models"]:
        e = entry_from_dict(raw, builtin=True)
        entries[e.id] = e
    kinds = {k: v for k, v in data.get("kinds", {}).items() if not k.startswith("_")}
    return Catalogue(entries, kinds)


# --------------------------------------------------------------------------- user entries


def make_user_entry(base: Catalogue, model_id: str, repo: str, *, revision: str = "main", kind: str = "svd",
                    name: str | None = None) -> CatalogueEntry:
    """A user's own entry: the *kind*'s template with ``repo`` in place of the template's repo."""
    if not ID_RE.fullmatch(model_id):
        raise CatalogueError(f"model id {model_id!r}: use lower-case letters, digits, '.', '_' or '-' (max 64)")
    if model_id in base and base.get(model_id).builtin:
        raise CatalogueError(f"model id {model_id!r} is a built-in model; choose another id")
    if not REPO_RE.fullmatch(repo) or "--" in repo or ".." in repo:
        raise CatalogueError(f"repo {repo!r} is not of the form OWNER/NAME")
    if not revision or any(c.isspace() for c in revision):
        raise CatalogueError(f"revision {revision!r} is not a branch, tag or commit")
    spec = base.kinds.get(kind)
    if spec is None:
        raise CatalogueError(f"kind {kind!r} is not one of {', '.join(base.kinds)}")
    template = base.get(str(spec["from"]))
    user_role = str(spec.get("user_role") or template.sources[0].role)
    sources = tuple(
        replace(s, repo=repo, revision=revision, fallback_repos=()) if s.role == user_role else s
        for s in template.sources
    )
    licences = tuple(lic for lic in template.licences if lic.role is not None and lic.role != user_role)
    licences = (Licence(name="see the model card", url=f"https://huggingface.co/{repo}", role=user_role), *licences)
    return CatalogueEntry(
        id=model_id,
        name=name or f"{repo} ({kind})",
        kind=kind,
        tier=str(spec.get("tier") or template.tier),
        sources=sources,
        download_bytes=None,
        vram_gb=template.vram_gb,
        ram_gb=template.ram_gb,
        gated=False,
        licences=licences,
        description=f"User entry: {repo}@{revision}",
        builtin=False,
    )


def user_entries_path(models_dir: Path) -> Path:
    return models_dir / USER_ENTRIES_NAME


def load_user_entries(models_dir: Path) -> list[CatalogueEntry]:
    """The user's entries; a missing file is none, a damaged one is reported (never silently dropped)."""
    path = user_entries_path(models_dir)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as exc:
        raise CatalogueError(f"{path}: cannot read your model entries ({exc})") from None
    raw_entries = data.get("models") if isinstance(data, dict) else None
    if not isinstance(raw_entries, list):
        raise CatalogueError(f"{path}: expected an object with a 'models' list")
    return [entry_from_dict(raw, builtin=False) for raw in raw_entries]


def save_user_entries(models_dir: Path, entries: list[CatalogueEntry]) -> None:
    """Write atomically so a crash never loses the user's entries."""
    path = user_entries_path(models_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"format": 1, "models": [e.to_json_dict() for e in entries]}
    fd, tmp = tempfile.mkstemp(prefix=".user-entries.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, indent=2)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def full_catalogue(models_dir: Path, builtin: Catalogue | None = None) -> Catalogue:
    """Built-in entries, then the user's (a user entry reusing a built-in id is ignored)."""
    base = builtin or load_builtin_catalogue()
    entries = dict(base.entries)
    for e in load_user_entries(models_dir):
        entries.setdefault(e.id, e)
    return Catalogue(entries, base.kinds)


def add_user_entry(models_dir: Path, builtin: Catalogue, model_id: str, repo: str, *, revision: str = "main",
                   kind: str = "svd", name: str | None = None) -> CatalogueEntry:
    """Add (or replace) the user's own entry; nothing is downloaded yet."""
    entry = make_user_entry(builtin, model_id, repo, revision=revision, kind=kind, name=name)
    others = [e for e in load_user_entries(models_dir) if e.id != model_id]
    save_user_entries(models_dir, [*others, entry])
    return entry


def remove_user_entry(models_dir: Path, builtin: Catalogue, model_id: str) -> None:
    """Forget a user entry (its files stay until the model is removed)."""
    entries = load_user_entries(models_dir)
    if not any(e.id == model_id for e in entries):
        if model_id in builtin:
            raise CatalogueError(f"{model_id!r} is a built-in model and cannot be removed from the catalogue")
        raise UnknownModelError(model_id, full_catalogue(models_dir, builtin).ids())
    save_user_entries(models_dir, [e for e in entries if e.id != model_id])
