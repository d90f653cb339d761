"""The validation stage: every graph, and the published union, against the SHACL shapes.
:mod:`~unld.validation.validator` validates the graphs of a build (with the compiled engine
of :mod:`~unld.validation.shacl`, or pyshacl as the reference), :mod:`~unld.validation.inputs`
is ``unld validate`` on texts, RDF files or a built dataset, and
:mod:`~unld.validation.coverage` measures how much of a source's text its graph holds."""
