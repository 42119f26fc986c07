"""Reporting's pure rules: participant records, ESF indicators, figures and privacy."""
