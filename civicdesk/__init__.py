"""civicdesk: one shared contact centre, service portal and back office for municipalities."""
