"""Migration of a store written by an earlier rolegraph to the store format of this one (``Store.FORMAT``).

Format 1 (generations without state) → 2: the graphs are kept as they are, published as a new
generation with a document catalogue read from the graph's source documents and the summary. Those
documents have no part (their extraction was not kept): ``add`` and ``remove`` ask for one
``build`` of them first.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from rolegraph.core.errors import StoreError
from rolegraph.core.naming import FICHES_GRAPH, graph_iri, normal_base
from rolegraph.core.store import open_store
from rolegraph.core.vocabulary import RG, node
from rolegraph.queries.summary import store_summary

from .catalogue import Catalogue, Entry, write_catalogue
from .graph.delta import Index

_DOCUMENTS = """PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?d ?file ?language ?checksum ?title (COUNT(DISTINCT ?claim) AS ?facts) WHERE {{ GRAPH {graph} {{
  ?d a <{document}> ; <{file}> ?file ; <{checksum}> ?checksum ; dcterms:language ?language .
  OPTIONAL {{ ?d dcterms:title ?title }}
  OPTIONAL {{ ?evidence <{in_document}> ?d . ?claim <{has_evidence}> ?evidence }} }} }}
GROUP BY ?d ?file ?language ?checksum ?title"""


@dataclass
class MigrationResult:
    before: int | None
    after: int | None
    documents: int
    generation: str | None
    message: str


def migrate(store_path: str | os.PathLike, base: str) -> MigrationResult:
    """Bring the store at ``store_path`` to the format of this version; a store already there is left as it is. Raises
    ``StoreError`` for a store of a newer format, ``StoreLocked`` while another writer is at work."""
    store = open_store(store_path)
    found, target = store.format, store.FORMAT
    if found is None or found == target:
        state = "nothing published" if found is None else f"already in store format {target}"
        return MigrationResult(found, found, 0, store.generation, f"store {store_path}: {state}; nothing to migrate")
    if found > target:
        raise StoreError(f"store {store_path} has store format {found}, newer than this version's {target}: "
                         "use the version that wrote it", store=str(store_path))
    published = dt.datetime.fromtimestamp(store.published_at or 0, dt.timezone.utc).replace(microsecond=0)
    with store.publishing(migrating=True) as writable:
        text = _DOCUMENTS.format(graph=node(graph_iri(base, FICHES_GRAPH)), document=RG.SourceDocument,
                                 file=RG.fileName, checksum=RG.checksum, in_document=RG.inDocument,
                                 has_evidence=RG.hasEvidence)
        entries = [Entry(row["d"].value, row["file"].value, "", row["language"].value, row["checksum"].value,
                         int(row["facts"].value), published.isoformat(), None,
                         row["title"].value if row["title"] is not None else None)
                   for row in writable.query(text)]
        write_catalogue(writable, Catalogue(normal_base(base), entries), {}, Index())
        store_summary(writable)
    message = (f"migrated store {store_path} from store format {found} to {target}: generation {store.generation}, "
               f"{len(entries)} document(s) kept")
    if entries:
        message += ("; they were built before documents kept their extraction: rebuild them once with "
                    "`rolegraph build DOCS...` before `rolegraph add` or `rolegraph remove`")
    return MigrationResult(found, target, len(entries), store.generation, message)
