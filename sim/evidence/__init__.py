"""The model held to the evidence: targets (targets.py), the check (check.py), the table and
report (table.py); the matching function measured as the literature measures it (matching.py)."""
