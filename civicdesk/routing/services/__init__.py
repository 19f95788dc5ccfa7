"""Every write of routing. Split by subject; the public names are re-exported here."""

from civicdesk.routing.services.agent_states import *  # noqa: F403
from civicdesk.routing.services.alerts import *  # noqa: F403
from civicdesk.routing.services.reinforcements import *  # noqa: F403
from civicdesk.routing.services.rota import *  # noqa: F403
from civicdesk.routing.services.router import *  # noqa: F403
from civicdesk.routing.services.setup import *  # noqa: F403
