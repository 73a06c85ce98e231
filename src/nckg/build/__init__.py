"""The build stage: YAML records -> RDF quads (compile), SHACL, HermiT reasoning, the pipeline and its statistics."""
