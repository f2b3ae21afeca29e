"""Fast lookup of one entry, independent of the catalog's size.

`taxo classify` must start in a few tens of milliseconds, so it never parses the whole catalog
when it does not have to:

1. a query that is an id (or a name whose slug is an id) opens `catalog/<id>.yaml` directly;
2. otherwise a cached key index (normalized name/alias -> id, sharded by key hash) names the file;
3. a hit is always confirmed against the file itself, so a stale index can only cost time:
   a miss or a mismatch rebuilds the index from every file before answering "not found".

Only regular `<id>.yaml` files inside the catalog are read (`entry_files`); the files refused
are kept in `EntryFinder.refused`, so a miss can name them. Parsed files are cached too (marshal, keyed by path, size and mtime), which keeps PyYAML's import
off the path once the cache is warm. The cache lives in ~/.cache/taxo and is always safe to delete.
"""
from __future__ import annotations

import hashlib
import marshal
import os
import zlib
from pathlib import Path
from typing import Any

from .entry_files import SUFFIX, catalog_files, refusal
from .lookup import keys_of, near_misses, normalize, slug
from .paths import cache_dir

_FORMAT = 3  # 3: normalize() keeps letters of every script
_SHARDS = 64


def _shard(key: str) -> int:
    return zlib.crc32(key.encode()) % _SHARDS


class _Cache:
    """A directory of marshal files for one catalog; every failure just means "no cache"."""

    def __init__(self, catalog: Path):
        digest = hashlib.sha1(str(catalog.resolve()).encode()).hexdigest()[:16]
        self.root = cache_dir() / digest

    def get(self, name: str) -> Any:
        try:
            with open(self.root / name, "rb") as handle:
                return marshal.load(handle)
        except (OSError, EOFError, ValueError, TypeError):
            return None

    def put(self, name: str, value: Any) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            temporary = self.root / f".{name}.{os.getpid()}"
            temporary.write_bytes(marshal.dumps(value))
            os.replace(temporary, self.root / name)
        except (OSError, ValueError):
            pass


def read_cached(path: Path, cache: _Cache | None = None) -> Any:
    """The parsed data of a YAML file (None when it cannot be read); cached by size and mtime."""
    try:
        stat = path.stat()
    except OSError:
        return None
    stamp = [_FORMAT, str(path.resolve()), stat.st_size, stat.st_mtime_ns]
    name = "file-" + hashlib.sha1(stamp[1].encode()).hexdigest()[:20]
    cached = cache.get(name) if cache else None
    if cached and cached[0] == stamp:
        return cached[1]
    from .yaml_source import read_document  # imports PyYAML: only on a cache miss

    document = read_document(path)
    data = getattr(document, "data", None)
    if cache and data is not None:
        cache.put(name, [stamp, data])
    return data


class EntryFinder:
    """Finds one entry's data in a catalog directory by id, name or alias."""

    def __init__(self, catalog: Path):
        self.catalog = catalog
        self.cache = _Cache(catalog)
        self.refused: dict[str, str] = {}  # file name -> why it was not read

    def _entry(self, entry_id: str) -> dict | None:
        if not entry_id or "/" in entry_id or entry_id.startswith("."):
            return None
        path = self.catalog / f"{entry_id}{SUFFIX}"
        if not os.path.lexists(path):
            return None
        reason = refusal(path, self.catalog)
        if reason is not None:
            self.refused[path.name] = reason
            return None
        data = read_cached(path, self.cache)
        return data if isinstance(data, dict) else None

    def _answers_to(self, data: dict, key: str) -> bool:
        aliases = data.get("aliases") if isinstance(data.get("aliases"), list) else []
        return key in keys_of(str(data.get("id", "")), str(data.get("name", "")), map(str, aliases))

    def build_index(self) -> dict[str, str]:
        """Normalized key -> id for every entry; first file wins on a collision (validate reports it).

        Stored in shards by key hash, so a lookup reads one small file whatever the catalog's size.
        """
        index: dict[str, str] = {}
        files, refused = catalog_files(self.catalog, lambda path: path.name)
        self.refused.update((problem.path, problem.message) for problem in refused)
        for path in files:
            data = read_cached(path, self.cache)
            if not isinstance(data, dict) or not isinstance(data.get("id"), str):
                continue
            aliases = data.get("aliases") if isinstance(data.get("aliases"), list) else []
            for key in keys_of(path.stem, str(data.get("name", "")), map(str, aliases)):
                index.setdefault(key, path.stem)
        shards: list[dict[str, str]] = [{} for _ in range(_SHARDS)]
        for key, ident in index.items():
            shards[_shard(key)][key] = ident
        for number, shard in enumerate(shards):
            self.cache.put(f"index-{number}", [_FORMAT, shard])
        self.cache.put("index-keys", [_FORMAT, index])  # only read to suggest near misses
        return index

    def _lookup(self, key: str) -> str | None:
        cached = self.cache.get(f"index-{_shard(key)}")
        return cached[1].get(key) if cached and cached[0] == _FORMAT else None

    def _all_keys(self) -> dict[str, str]:
        cached = self.cache.get("index-keys")
        return cached[1] if cached and cached[0] == _FORMAT else self.build_index()

    def find(self, query: str) -> tuple[dict | None, list[str]]:
        """(entry data, []) on a match, else (None, ids of the closest entries)."""
        key = normalize(query)
        if not key:
            return None, []
        direct = self._entry(slug(query))
        if direct is not None and self._answers_to(direct, key):
            return direct, []
        for attempt in range(2):
            ident = self._lookup(key)
            if ident is not None:
                data = self._entry(ident)
                if data is not None and self._answers_to(data, key):
                    return data, []
            if attempt == 0:
                self.build_index()  # a miss or a stale hit: the index may be out of date
        return None, near_misses(query, self._all_keys())
