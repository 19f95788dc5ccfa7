"""What telephony tells the rest of civicdesk (the wallboard listens), sent after the change is committed.

- ``calls_changed(sender=Call, center_id=<int>, call_ids=[<call id as the phone system sent it>, …])``: these
  calls of the centre were rebuilt from new events (their status, queue, agent or visits may have changed).
"""

from django.dispatch import Signal

calls_changed = Signal()
