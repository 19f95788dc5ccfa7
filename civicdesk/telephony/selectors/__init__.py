"""Reads of telephony, already narrowed to what the actor may see. Split by subject; re-exported here."""

from civicdesk.telephony.selectors.calls import *  # noqa: F403
from civicdesk.telephony.selectors.menus import *  # noqa: F403
from civicdesk.telephony.selectors.stats import *  # noqa: F403
