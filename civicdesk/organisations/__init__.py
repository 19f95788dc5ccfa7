"""Municipalities, service centres and their membership history, departments, teams, staff and roles,
the access rules, the topic taxonomy, API tokens and the audit log."""
