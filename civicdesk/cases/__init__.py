"""Cases for the back office: numbering, assignment, status workflow, SLA clocks, notes, replies,
attachments, links and merges, and the e-mail channel that turns mail into contacts and cases."""
