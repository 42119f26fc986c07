"""Polku's four services: intake, caseplan, matching, reporting."""
