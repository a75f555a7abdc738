"""Performance benchmark of the loaders, the server-side interactions and the map payload.

Run `python -m benchmarks.run --rows N`; every figure is measured in one run, and speed is
reported as ratios against a baseline measured in that same run (architecture.md).
"""
