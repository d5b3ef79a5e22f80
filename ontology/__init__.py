"""The ontology, its concept schemes, the SHACL shapes and the ontology checks: data files, no code."""
