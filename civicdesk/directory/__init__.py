"""Who handles what: units, people, phone numbers, opening hours per channel and responsibilities per
topic and municipality, so a contact goes to the right unit and never to the switchboard."""
