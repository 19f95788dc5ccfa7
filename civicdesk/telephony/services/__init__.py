"""Every write of telephony. Split by subject; the public names are re-exported here."""

from civicdesk.telephony.services.events import *  # noqa: F403
from civicdesk.telephony.services.menus import *  # noqa: F403
from civicdesk.telephony.services.route import *  # noqa: F403
