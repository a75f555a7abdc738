"""The ministries (/ministerio, /ministerio/<slug>): goals, bottlenecks and PMG stages."""
