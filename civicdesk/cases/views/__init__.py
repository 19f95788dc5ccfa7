"""HTML pages of cases: the agent's contact log, case lists, one case, and the case settings."""
