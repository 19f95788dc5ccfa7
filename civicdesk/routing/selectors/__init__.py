"""Reads of routing, already narrowed to what the actor may see. Split by subject; re-exported here."""
