"""The curated inputs: the YAML schema and loader, source documents and quotes, the vocabulary read from the
ontology, formulas, chemistry (RDKit), mappings and the cross-file checks."""
