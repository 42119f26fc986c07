"""Caseplan's storage, the only place with SQL: `plans` (case plans, support workers,
waiting list) and `work` (goals, activities, placements, hours)."""
