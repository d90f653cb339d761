"""``unld build``: the pipeline that runs the stages in order over a folder of sources
(:mod:`~unld.build.pipeline`), with the cache of what each source became
(:mod:`~unld.build.cache`) so that a rebuild only redoes what changed."""
