"""The store stage: the embedded Oxigraph store (the only place that runs SPARQL), remote SPARQL stores, isolated
query workers, limits, the answer cache and the dataset a wheel carries."""
