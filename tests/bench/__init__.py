"""Benchmarks: `python -m tests.bench` (see `tests/bench/__main__.py`); not run by pytest.

Figures are quoted as ratios against baselines measured in the same run (a bare PySide6
window started the same way), because absolute seconds say more about the machine than
about ReleaseDesk.
"""
