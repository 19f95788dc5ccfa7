"""The e-mail channel: new mail becomes a contact and a case with an acknowledgement in the sender's
language; replies thread into their case (by headers or by the number in the subject); automatic mail and
duplicates never make cases; unreadable mail is quarantined; replies go out threaded."""

from email.message import EmailMessage

import pytest
from django.core.management import call_command

from civicdesk.cases import services
from civicdesk.cases.models import Case, CaseMessage, InboundMail, QuarantinedMail, Status
from civicdesk.contacts.models import Channel, Contact
from civicdesk.organisations.access import SYSTEM
from civicdesk.organisations.models import Team


@pytest.fixture
def mailbox(gulen):
    team = Team.objects.get(municipality=gulen, name="Byggesak")
    return services.mailbox_create(actor=SYSTEM, municipality=gulen, address="byggesak@gulen.test", team=team)


def raw_mail(
    subject="Søknad om garasje",
    body="Hei, jeg lurer på om jeg må søke.",
    sender="kari@example.no",
    message_id="<m1@example.no>",
    **headers,
) -> bytes:
    message = EmailMessage()
    message["From"] = f"Kari Nordmann <{sender}>"
    message["To"] = "byggesak@gulen.test"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["Content-Language"] = "nb"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


def test_new_mail_becomes_a_contact_and_a_case_and_is_acknowledged(
    run_tasks, mailbox, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        assert services.mail_take_in(mailbox=mailbox, raw=raw_mail()) == "created"
    case = Case.objects.get(title="Søknad om garasje")
    assert case.team.name == "Byggesak" and case.requester.email == "kari@example.no"
    contact = case.source_contact
    assert contact.channel == Channel.EMAIL and contact.summary.startswith("Hei, jeg lurer")
    run_tasks()
    ack = next(m for m in mailoutbox if m.to == ["kari@example.no"])
    assert case.number in ack.subject
    assert ack.extra_headers["Auto-Submitted"] == "auto-replied"
    assert ack.extra_headers["In-Reply-To"] == "<m1@example.no>"


def test_the_same_message_twice_is_stored_once(mailbox):
    assert services.mail_take_in(mailbox=mailbox, raw=raw_mail()) == "created"
    assert services.mail_take_in(mailbox=mailbox, raw=raw_mail()) == "duplicate"
    assert Case.objects.filter(title="Søknad om garasje").count() == 1
    assert InboundMail.objects.filter(mailbox=mailbox).count() == 1


def test_a_reply_by_headers_joins_its_case_and_reopens_it(mailbox, caseworker):
    services.mail_take_in(mailbox=mailbox, raw=raw_mail())
    case = Case.objects.get(title="Søknad om garasje")
    services.case_status_set(actor=caseworker, case=case, status=Status.RESOLVED)
    ack_id = CaseMessage.objects.filter(case=case, direction="out").first().message_id
    reply = raw_mail(
        subject="Re: noe helt annet",
        body="Takk, her er tegningen.",
        message_id="<m2@example.no>",
        In_Reply_To=f"<{ack_id}>",
        References=f"<m1@example.no> <{ack_id}>",
    )
    assert services.mail_take_in(mailbox=mailbox, raw=reply) == "appended"
    case.refresh_from_db()
    assert case.status == Status.OPEN
    assert case.messages.filter(direction="in").count() == 2
    assert Case.objects.filter(municipality=case.municipality, title__icontains="noe helt annet").count() == 0


def test_a_reply_by_case_number_in_the_subject_joins_its_case(mailbox):
    services.mail_take_in(mailbox=mailbox, raw=raw_mail())
    case = Case.objects.get(title="Søknad om garasje")
    reply = raw_mail(subject=f"SV: Søknad [{case.number}]", message_id="<m3@example.no>")
    assert services.mail_take_in(mailbox=mailbox, raw=reply) == "appended"


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto_Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"List_Id": "<nyhetsbrev.example.no>"},
    ],
)
def test_automatic_mail_never_makes_a_case(mailbox, headers):
    before = Case.objects.count()
    assert (
        services.mail_take_in(mailbox=mailbox, raw=raw_mail(message_id="<auto@example.no>", **headers)) == "automatic"
    )
    assert Case.objects.count() == before


def test_bounces_from_mailer_daemon_never_make_a_case(mailbox):
    before = Case.objects.count()
    raw = raw_mail(sender="MAILER-DAEMON@mx.example.no", message_id="<bounce@mx.example.no>")
    assert services.mail_take_in(mailbox=mailbox, raw=raw) == "automatic"
    assert Case.objects.count() == before


def test_our_own_mail_coming_back_is_a_loop_not_a_case(mailbox):
    before = Case.objects.count()
    raw = raw_mail(sender="byggesak@gulen.test", message_id="<loop@gulen.test>")
    assert services.mail_take_in(mailbox=mailbox, raw=raw) == "automatic"
    assert Case.objects.count() == before


def test_malformed_or_oversized_mail_is_quarantined_not_dropped(mailbox, settings):
    assert services.mail_take_in(mailbox=mailbox, raw=b"\x00\x01 this is not mail") == "quarantined"
    settings.CIVICDESK_MAIL_MAX_BYTES = 100
    assert services.mail_take_in(mailbox=mailbox, raw=raw_mail(message_id="<big@example.no>")) == "quarantined"
    kept = QuarantinedMail.objects.filter(mailbox=mailbox)
    assert kept.count() == 2
    assert kept.first().raw.read()


def test_attachments_in_mail_are_kept_on_the_case(mailbox):
    message = EmailMessage()
    message["From"] = "kari@example.no"
    message["To"] = "byggesak@gulen.test"
    message["Subject"] = "Tegninger"
    message["Message-ID"] = "<att@example.no>"
    message.set_content("Vedlagt.")
    message.add_attachment(b"%PDF-1.4 tegning", maintype="application", subtype="pdf", filename="søknad.pdf")
    services.mail_take_in(mailbox=mailbox, raw=message.as_bytes())
    case = Case.objects.get(title="Tegninger")
    assert [a.filename for a in case.attachments.all()] == ["søknad.pdf"]


def test_webhook_takes_raw_mime_and_needs_the_mailbox_secret(client, mailbox):
    ok = client.post(
        f"/api/inbound-mail/{mailbox.webhook_secret}",
        raw_mail(message_id="<hook@example.no>"),
        content_type="message/rfc822",
    )
    assert ok.status_code == 200 and ok.json() == {"outcome": "created"}
    wrong = client.post("/api/inbound-mail/not-the-secret", raw_mail(), content_type="message/rfc822")
    assert wrong.status_code == 404


def test_replies_from_the_case_go_out_threaded(
    run_tasks, mailbox, caseworker, django_capture_on_commit_callbacks, mailoutbox
):
    services.mail_take_in(mailbox=mailbox, raw=raw_mail())
    case = Case.objects.get(title="Søknad om garasje")
    with django_capture_on_commit_callbacks(execute=True):
        services.case_reply_send(actor=caseworker, case=case, text="Du må søke. Se vedlagt veileder.")
    run_tasks()
    reply = next(m for m in mailoutbox if "Du må søke" in m.body)
    assert reply.extra_headers["In-Reply-To"] == "<m1@example.no>"
    assert "<m1@example.no>" in reply.extra_headers["References"]
    assert case.number in reply.subject
    assert "byggesak@gulen.test" in reply.from_email


def test_contact_for_a_mail_is_logged_once_even_when_delivered_twice(mailbox):
    services.mail_take_in(mailbox=mailbox, raw=raw_mail(message_id="<twice@example.no>"))
    services.mail_take_in(mailbox=mailbox, raw=raw_mail(message_id="<twice@example.no>"))
    assert Contact.objects.filter(external_id="twice@example.no").count() == 1


class FakeImap:
    """The outside mail server, as the adapter sees it: messages in, deletions out."""

    def __init__(self, messages):
        self.messages = dict(messages)
        self.acknowledged = []

    def unseen(self):
        yield from list(self.messages.items())

    def acknowledge(self, uid):
        self.acknowledged.append(uid)


def test_imap_poll_acknowledges_each_message_after_taking_it_in(mailbox, monkeypatch):
    from contextlib import contextmanager

    from civicdesk.cases import tasks
    from civicdesk.cases.adapters import imap

    mailbox.imap_host, mailbox.imap_username, mailbox.imap_password = "imap.example.no", "byggesak", "secret"
    mailbox.save(update_fields=["imap_host", "imap_username", "imap_password"])
    server = FakeImap({b"1": raw_mail(message_id="<p1@example.no>"), b"2": b"\x00 not mail"})

    @contextmanager
    def connect(cls, box):
        assert box.pk == mailbox.pk
        yield server

    monkeypatch.setattr(imap.ImapMailbox, "connect", classmethod(connect))
    counts = tasks.mailbox_poll.call(mailbox_id=mailbox.pk)
    assert counts == {"created": 1, "quarantined": 1}
    assert server.acknowledged == [b"1", b"2"]


def test_schedule_enqueues_the_sla_watch_and_mailbox_polls(mailbox):
    from django_tasks_db.models import DBTaskResult

    mailbox.imap_host, mailbox.imap_username = "imap.example.no", "byggesak"
    mailbox.save(update_fields=["imap_host", "imap_username"])
    call_command("case_schedule", "--once")
    paths = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert {"civicdesk.cases.tasks.sla_check", "civicdesk.cases.tasks.mailbox_poll"} <= paths
