"""Knowledge: articles shared by a centre and local variants, the incident list, and search over them."""
