"""Every figure the screens show, computed once by pure functions (indicators.md).

Pure (frames in, frames/dataclasses out; no SQL, no files, no dash):
  lights, months, goals, progress, bottlenecks, projection, scorecard, goal_regions, review,
  population, territory, inequality, synergy, commitments, frames, forecasts.
Glue to the warehouse (through `warehouse/` query functions only):
  goal_report (goal_scorecard, goal_region_scorecard, snapshot, review),
  territory_report (TerritoryQuery, territory_report).
Output: serialize (stable JSON/CSV forms). Command line: `python -m indicators` (cli.py).
"""
