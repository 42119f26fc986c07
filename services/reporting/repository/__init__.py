"""Reporting's SQL: the projection that writes the read model, and the queries that read it."""
