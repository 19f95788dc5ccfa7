"""What routing tells the rest of civicdesk (the wallboard listens), sent after the change is committed.

- ``agent_state_changed(sender=Agent, agent=<Agent>)``: an agent's state, reservation or pull-in changed.
- ``queue_alert_changed(sender=QueueAlert, alert=<QueueAlert>, raised=<bool>)``: a queue's alert was raised
  (``raised`` true) or cleared.
"""

from django.dispatch import Signal

agent_state_changed = Signal()
queue_alert_changed = Signal()
