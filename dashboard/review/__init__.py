"""The weekly review (/): decisions, changes, milestones and regions as known at a review date."""
