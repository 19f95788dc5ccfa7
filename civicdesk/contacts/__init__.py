"""The contact log: every inquiry on every channel, with municipality, topic, language and outcome,
and the people who made them (known only as far as needed)."""
