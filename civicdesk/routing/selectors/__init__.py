"""Reads of routing, already narrowed to what the actor may see. Split by subject; re-exported here."""

from civicdesk.routing.selectors.agents import *  # noqa: F403
from civicdesk.routing.selectors.centers import *  # noqa: F403
from civicdesk.routing.selectors.handling import *  # noqa: F403
from civicdesk.routing.selectors.queues import *  # noqa: F403
from civicdesk.routing.selectors.rota import *  # noqa: F403
from civicdesk.routing.selectors.skills import *  # noqa: F403
