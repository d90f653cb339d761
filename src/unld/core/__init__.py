"""The small core every stage shares: the IRI policy and the namespaces, UN document
symbols, the errors that carry an exit code, where the ontology and the mapping rules are
at run time, the garbage collector's policy, and the progress bar.  Nothing here imports a
stage."""
