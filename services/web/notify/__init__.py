"""Notifications: who is told what (`rules`), recorded with the fact (`handlers`, the
repository), sent by e-mail with retries (`mailer`), shown on the person's page."""
