"""Plumbing with no models: errors, http, env, theme."""
