"""Zammad's generic CTI events, so that telephony bridges written for Zammad (the Asterisk AMI bridges, say) can
send to civicdesk unchanged: ``newCall``, ``answer`` and ``hangup``, form-encoded or JSON, with ``callId``,
``from``, ``to``, ``direction``, ``queue``, ``answeringNumber``, ``user`` and ``cause``
(https://docs.zammad.org/en/latest/api/generic-cti/).

How they become call events:

- ``newCall`` (direction ``in``): ``call.offered`` to ``queue`` (or the queue the endpoint was given, or the
  dialled number's own queue); ``from`` is the caller (``anonymous`` is no number), ``to`` the number dialled.
- ``answer``: ``call.answered`` by the agent whose code is ``answeringNumber`` (optional in Zammad: without it
  the call is answered by someone unknown, and no contact is opened).
- ``hangup``: ``call.ended``; while the call still waits that is an abandoned call, or for the causes that say
  no one could take it (``busy``, ``noAnswer``, ``congestion``, ``notFound``) a "no agents" exit.
- Outbound calls (direction ``out``) are not queue calls: they are accepted and left out.

The numbers are taken from ``newCall`` (``answer`` and ``hangup`` repeat them). Zammad's events carry no time:
each is timed when it arrives. Their ids are ``zammad:<callId>:<event>``, so a
bridge that sends an event again is answered as before and nothing changes."""

from datetime import datetime

from django.utils.translation import gettext as _

from civicdesk.lib.errors import Invalid
from civicdesk.telephony.adapters import CallEventIn, EventType

# Zammad's names of the fields our checks name, for error messages a bridge's author recognises.
FIELD_NAMES = {"call_id": "callId", "dialed_number": "to", "caller_number": "from", "agent": "answeringNumber"}
NO_AGENT_CAUSES = ("busy", "noAnswer", "congestion", "notFound")
EVENTS = ("newCall", "answer", "hangup")


def _text(payload: dict, name: str) -> str:
    value = payload.get(name)
    if isinstance(value, list):  # form-encoded ``user[]`` and the like
        value = value[0] if value else ""
    return "" if value is None else str(value).strip()


def zammad_event(payload: dict, *, at: datetime, queue: str = "") -> CallEventIn | None:
    """The call event a Zammad CTI payload stands for, or None for an outbound call. ``queue`` is the queue a
    call without one goes to (from the endpoint's address)."""
    event = _text(payload, "event")
    if event not in EVENTS:
        raise Invalid(_("Send event newCall, answer or hangup."), field="event")
    if _text(payload, "direction") == "out":
        return None
    call_id = _text(payload, "callId") or _text(payload, "call_id")
    if not call_id:
        raise Invalid(_("Send the call's callId."), field="callId")
    common = {"event_id": f"zammad:{call_id}:{event}"[:120], "call_id": call_id, "at": at}
    if event == "newCall":
        caller = _text(payload, "from")
        return CallEventIn(
            type=EventType.OFFERED,
            queue=_text(payload, "queue") or queue,
            dialed_number=_text(payload, "to"),
            caller_number="" if caller.lower() in ("anonymous", "unknown") else caller,
            **common,
        )
    if event == "answer":
        return CallEventIn(type=EventType.ANSWERED, agent=_text(payload, "answeringNumber"), **common)
    cause = _text(payload, "cause")
    data = {"cause": cause} if cause else {}
    if cause in NO_AGENT_CAUSES:
        data["reason"] = "no_agents"
    return CallEventIn(type=EventType.ENDED, data=data, **common)


def zammad_field(field: str | None) -> str | None:
    """Our check's field (``0.agent``) as the Zammad field it came from (``answeringNumber``)."""
    if field is None:
        return None
    name = field.split(".", 1)[1] if "." in field else field
    return FIELD_NAMES.get(name, name)
