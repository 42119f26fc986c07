"""Polku's shared contracts and plumbing: events, outbox/inbox, settings, metrics, testing."""
