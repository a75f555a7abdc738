"""One goal (/meta/<codigo>): lights, thermometer, trajectory, milestones, bottlenecks,
regional breakdown and the provenance of every figure."""
