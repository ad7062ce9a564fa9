"""Rows of the access matrix, one module per area (see tests/test_access_matrix.py)."""
