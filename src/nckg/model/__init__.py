"""The domain model every face reads: terms and labels, records, pages, plots, the catalogue and search."""
