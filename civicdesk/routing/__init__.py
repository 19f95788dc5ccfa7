"""Queues, agents' skills, languages and states, the duty rota, the router and reinforcements:
who may take the next call (and, later, the next chat)."""
