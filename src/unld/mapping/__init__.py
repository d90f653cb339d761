"""The mapping stage: a record becomes one named graph by the declarative rules in
``mappings/``.  :mod:`~unld.mapping.view` turns a record into a generic RDF view whose IRIs
come from the IRI policy, :mod:`~unld.mapping.phrases` keys lead phrases to the concepts of
the phrase vocabularies, and :mod:`~unld.mapping.mapper` runs the rules over the views."""
