"""Deterministic demo data: a whole release organisation, small or at design scale.

`generate(db, scale="small" | "large", seed=7)` fills an empty database in one transaction
and one audit event. Dates hang from an anchor (Monday of the current UTC week unless
given), so the same seed gives the same organisation all week, with a past to measure and
a future to plan.
"""

from app.demo.generate import DEMO_UUID, generate
from app.demo.scale import LARGE, SCALES, SMALL, Scale, default_anchor

__all__ = ["DEMO_UUID", "LARGE", "SCALES", "SMALL", "Scale", "default_anchor", "generate"]
