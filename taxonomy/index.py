"""Fast lookup of one entry, independent of the catalog's size.

`taxo classify` must start in a few tens of milliseconds, so it never parses the whole catalog
when it does not have to:

1. a query that is an id (or a name whose slug is an id) opens `catalog/<id>.yaml` directly;
2. otherwise a cached key index (normalized name/alias -> ids, sharded by key hash) names the file;
3. a hit is always confirmed against the file itself, so a stale index can only cost time;
4. a miss trusts the index only while the catalog's listing (names, sizes and mtimes of its
   YAML files, one `os.scandir`) is the one the index was built from; otherwise the index is
   rebuilt first, on every core, from the top-level lines of each file (`entry_keys`).

Only regular `<id>.yaml` files inside the catalog are read (`entry_files`); the files refused
are kept in `EntryFinder.refused`, so a miss can name them. The cache holds the index, the
keys and names for "did you mean" (`nearest_keys`), and the parsed data of the entries shown
(marshal, keyed by path, size and mtime, which keeps PyYAML's import off a warm lookup); it
lives in ~/.cache/taxo and is always safe to delete.
"""
from __future__ import annotations

import marshal
import os
import zlib
from pathlib import Path
from typing import Any

from .entry_files import SUFFIX, refusal

try:
    from _blake2 import blake2b  # what hashlib.blake2b is, without importing OpenSSL (start-up time)
except ImportError:  # pragma: no cover - another Python
    from hashlib import blake2b
from .lookup import keys_of, normalize, slug
from .paths import cache_dir

_FORMAT = 5  # 4: keys -> ids, stamped with the catalog's listing; 5: key lengths in the key table
_SHARDS = 64
_LISTED = (".yaml", ".yml")


def _shard(key: str) -> int:
    return zlib.crc32(key.encode()) % _SHARDS


def _digest(text: str) -> str:
    """A short name for a path (a collision only shares a cache folder: entries are stamped)."""
    data = text.encode("utf-8", "surrogateescape")
    return f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"


class _Cache:
    """A directory of marshal files for one catalog; every failure just means "no cache"."""

    def __init__(self, catalog: Path):
        self.root = cache_dir() / _digest(str(catalog.resolve()))

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


def listing(catalog: Path) -> str:
    """A digest of the names, sizes and mtimes of the catalog's YAML-looking files: what the index
    is stamped with. Any file added, removed, renamed or rewritten changes it."""
    rows = []
    try:
        with os.scandir(catalog) as entries:
            for entry in entries:
                if entry.name.lower().endswith(_LISTED):
                    try:
                        info = entry.stat()
                        rows.append(f"{entry.name}\0{info.st_size}\0{info.st_mtime_ns}\0{entry.is_symlink()}")
                    except OSError:
                        rows.append(f"{entry.name}\0unreadable")
    except OSError:
        return "unlisted"
    rows.sort()
    return blake2b("\n".join(rows).encode("utf-8", "surrogateescape"), digest_size=20).hexdigest()


def read_cached(path: Path, cache: _Cache | None = None) -> Any:
    """The parsed data of a YAML file (None when it cannot be read); cached by size and mtime."""
    try:
        stat = path.stat()
    except OSError:
        return None
    stamp = [_FORMAT, str(path.resolve()), stat.st_size, stat.st_mtime_ns]
    name = "file-" + _digest(stamp[1])
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
        self._built: dict | None = None     # the index this process built, if it built one
        self._stamp: str | None = None      # the listing it was built from
        self._generation: str | None = None  # the build the cached index comes from, once checked
        self._table = None                   # keys for "did you mean" (nearest_keys.KeyTable)
        self._names: dict[str, str] = {}     # id -> name, for "did you mean"

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

    def build_index(self) -> dict[str, list[str]]:
        """Normalized key -> ids of the entries that answer to it, in file order (validate reports
        a key claimed twice), stamped with the listing it was built from.

        Stored in shards by key hash, so a lookup reads one small file whatever the catalog's size.
        """
        from .entry_files import catalog_files
        from .entry_keys import answers
        from .nearest_keys import KeyTable
        from .parallel import map_chunks

        stamp = listing(self.catalog)
        files, refused = catalog_files(self.catalog, lambda path: path.name)
        refused_files = {problem.path: problem.message for problem in refused}
        self.refused.update(refused_files)
        index: dict[str, list[str]] = {}
        names: dict[str, str] = {}
        for found in map_chunks(answers, files):
            if found is not None:
                ident, names[ident], keys = found
                for key in keys:
                    index.setdefault(key, []).append(ident)
        generation = f"{_FORMAT}-{os.urandom(8).hex()}"  # ties the shards, names and stamp of one build
        shards: list[dict[str, list[str]]] = [{} for _ in range(_SHARDS)]
        for key, idents in index.items():
            shards[_shard(key)][key] = idents
        for number, shard in enumerate(shards):
            self.cache.put(f"index-{number}", [generation, shard])
        table = KeyTable.build({key: idents[0] for key, idents in index.items()})
        self.cache.put("index-names", [generation, table.dump(), "\0".join(names.get(v, "").replace("\0", "")
                                                                          for v in table.values)])
        self.cache.put("index-stamp", [generation, stamp, refused_files])  # last: it validates the rest
        self._built, self._stamp, self._generation, self._table, self._names = index, stamp, generation, table, names
        return index

    def _candidates(self, key: str) -> tuple[list[str], str | None]:
        """(ids the index gives for `key`, the build of the shard that said so)."""
        if self._built is not None:
            return self._built.get(key, []), self._generation
        cached = self.cache.get(f"index-{_shard(key)}")
        if not cached or not isinstance(cached[1], dict):
            return [], None
        return list(cached[1].get(key, [])), cached[0]

    def _current(self, generation: str | None) -> bool:
        """Whether the index of build `generation` was built from the catalog as it is now."""
        if self._built is not None:
            return self._stamp == listing(self.catalog)
        stamp = self.cache.get("index-stamp")
        if not stamp or generation is None or stamp[0] != generation or not generation.startswith(f"{_FORMAT}-") \
                or stamp[1] != listing(self.catalog):
            return False
        self.refused.update(stamp[2])
        self._generation = generation
        return True

    def _confirmed(self, idents: list[str], key: str) -> dict | None:
        for ident in idents:
            data = self._entry(ident)
            if data is not None and self._answers_to(data, key):
                return data
        return None

    def find(self, query: str) -> tuple[dict | None, list[str]]:
        """(entry data, []) on a match, else (None, ids of the closest entries)."""
        key = normalize(query)
        if not key:
            return None, []
        direct = self._entry(slug(query))
        if direct is not None and self._answers_to(direct, key):
            return direct, []
        idents, generation = self._candidates(key)
        found = self._confirmed(idents, key)
        if found is not None:
            return found, []
        if not self._current(generation):
            self.build_index()  # a miss or a stale hit, and the catalog changed since the index
            found = self._confirmed(self._built.get(key, []), key)
            if found is not None:
                return found, []
        return None, self._suggestions(query)

    def _suggestions(self, query: str) -> list[str]:
        """The closest entries, from the keys of the build whose listing was just checked."""
        from .nearest_keys import KeyTable

        if self._table is None:
            cached = self.cache.get("index-names")
            if cached and cached[0] == self._generation:
                self._table = KeyTable.load(cached[1])
                self._names = dict(zip(self._table.values, cached[2].split("\0")))
            else:
                self.build_index()
        return self._table.nearest(query)

    def name_of(self, ident: str) -> str:
        """The name of a suggested entry, as the index last read it."""
        if ident not in self._names:
            self._names[ident] = str((self._entry(ident) or {}).get("name", ident))
        return self._names[ident]
