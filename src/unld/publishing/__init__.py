"""The publishing stage: what users download, browse and query.  The dumps
(:mod:`~unld.publishing.dumps`, written from sorted N-Triples lines by
:mod:`~unld.publishing.ntlines` and :mod:`~unld.publishing.jsonld`), the dataset description
(:mod:`~unld.publishing.void`), the ontology's documentation
(:mod:`~unld.publishing.ontodoc`), the output folder switched in one step
(:mod:`~unld.publishing.output`), the static website (:mod:`~unld.publishing.site`), and
SPARQL stores: loading one (:mod:`~unld.publishing.endpoint`) and querying a build
(:mod:`~unld.publishing.query`)."""
