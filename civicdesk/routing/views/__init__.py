"""Routing's pages: a centre's queues and skills, its agents, the duty rota, and pulling in reinforcements from
the wallboard. The centre's supervisors keep them; its agents read."""
