"""HTTP layer of nckg (Flask)."""
