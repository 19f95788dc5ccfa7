"""Tests for ``civicdesk.lib.mail``: realistic inbound mail from citizens and machines, and the replies we send.

The raw messages are written the way the senders' software writes them (headers, MIME structure, encodings);
``_raw`` only turns the readable source into CRLF bytes in the charset the sender used.
"""

from __future__ import annotations

import base64
import re
import textwrap
from datetime import UTC, datetime
from email import policy
from email.parser import BytesParser

import pytest

from civicdesk.lib.mail import (
    AUTOMATIC_RULES,
    Attachment,
    MailError,
    automatic_kind,
    build_reply,
    case_numbers_in,
    decode_bytes,
    html_to_text,
    parse_mail,
    strip_reply_prefixes,
)

OWN = ("postmottak@gulen.kommune.no", "noreply@gulen.civicdesk.no")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _raw(source: str, charset: str = "ascii", **blocks: str) -> bytes:
    """CRLF bytes of a dedented message source; ``{name}`` placeholders take multi-line ``blocks`` (e.g. base64)."""
    text = textwrap.dedent(source).lstrip("\n")
    for name, block in blocks.items():
        text = text.replace("{" + name + "}", block.strip("\n"))
    return text.replace("\n", "\r\n").encode(charset)


def _b64(data: bytes) -> str:
    return base64.encodebytes(data).decode()


def _message(raw: bytes):
    return BytesParser(policy=policy.default).parsebytes(raw)


# --------------------------------------------------------------------------------------------------------------
# Citizens writing in
# --------------------------------------------------------------------------------------------------------------

NORWEGIAN = _raw(
    """
    Return-Path: <kari.nordmann@example.no>
    Delivered-To: postmottak@gulen.kommune.no
    From: =?utf-8?q?Kari_Nordmann?= <Kari.Nordmann@Example.NO>
    To: Gulen kommune <Postmottak@gulen.kommune.no>
    Cc: nabo@example.no
    Subject: =?utf-8?q?S=C3=B8knad_om_fritak_fra_eiendomsskatt?=
    Date: Tue, 3 Mar 2026 09:15:02 +0100
    Message-ID: <CAF1234abcd+x@mail.example.no>
    MIME-Version: 1.0
    Content-Type: text/plain; charset="utf-8"
    Content-Transfer-Encoding: quoted-printable
    Content-Language: nb-NO

    Hei!

    Jeg s=C3=B8ker om fritak fra eiendomsskatt for hytta p=C3=A5 G=C3=A5rd 12, br=
    uk 3. Bel=C3=B8pet er =C3=A6rlig talt for h=C3=B8yt.

    Med vennlig hilsen
    Kari Nordmann
    """
)


def test_a_norwegian_quoted_printable_mail_becomes_contact_and_case_facts():
    mail = parse_mail(NORWEGIAN)

    assert mail.message_id == "CAF1234abcd+x@mail.example.no"
    assert mail.from_address == "kari.nordmann@example.no"
    assert mail.from_name == "Kari Nordmann"
    assert mail.to_addresses == ("postmottak@gulen.kommune.no", "nabo@example.no")
    assert mail.subject == "Søknad om fritak fra eiendomsskatt"
    assert "Jeg søker om fritak fra eiendomsskatt for hytta på Gård 12, bruk 3." in mail.text
    assert "ærlig talt for høyt" in mail.text
    assert mail.text.endswith("Kari Nordmann")
    assert mail.sent_at == datetime(2026, 3, 3, 8, 15, 2, tzinfo=UTC)
    assert mail.in_reply_to == ()
    assert mail.references == ()
    assert mail.attachments == ()
    assert mail.auto_kind == ""
    assert mail.language_hint == "nb"


SWEDISH_LATIN1 = _raw(
    """
    From: =?iso-8859-1?Q?=C5sa_Lindstr=F6m?= <asa.lindstrom@example.se>
    To: kommun@orebro.example.se
    Subject: =?iso-8859-1?Q?Fr=E5ga_om_bygglov_f=F6r_v=E4xthus?=
    Date: Wed, 4 Mar 2026 14:02:11 +0100
    Message-ID: <20260304140211.4711@example.se>
    Accept-Language: sv-SE, en-US;q=0.8
    MIME-Version: 1.0
    Content-Type: text/plain; charset=iso-8859-1
    Content-Transfer-Encoding: 8bit

    Hej!

    Behöver jag bygglov för ett växthus på 12 kvm? Grannen säger “nej”, men
    på er webbplats står det något annat. Tack på förhand för svar.

    Åsa
    """,
    charset="cp1252",  # Outlook labels windows-1252 text as ISO-8859-1; the curly quotes only exist in 1252
)


def test_a_swedish_latin1_mail_decodes_subject_body_and_sender_name():
    mail = parse_mail(SWEDISH_LATIN1)

    assert mail.subject == "Fråga om bygglov för växthus"
    assert mail.from_name == "Åsa Lindström"
    assert "Behöver jag bygglov för ett växthus på 12 kvm?" in mail.text
    assert "Grannen säger “nej”" in mail.text
    assert mail.text.endswith("Åsa")
    assert mail.language_hint == "sv"


DANISH_HTML_BODY = """<html><head><style>p { font-family: Calibri; }</style><title>Mail</title></head>
<body><p>K&aelig;re Holb&aelig;k Kommune,</p><div>Jeg vil gerne forny mit <b>pas</b> og k&oslash;rekort.</div>
<ul><li>Pas udl&oslash;ber 1. april</li><li>K&oslash;rekort udl&oslash;ber 3. maj</li></ul>
<p>Se <a href="https://www.borger.dk/pas">borger.dk</a>.<br>Venlig hilsen<br>Mette</p>
<img src="cid:logo@example.dk"><script>alert(1)</script></body></html>"""
DANISH_HTML = _raw(
    """
    From: Mette Jensen <mette.jensen@example.dk>
    To: borgerservice@holbaek.example.dk
    Subject: =?utf-8?b?Rm9ybnllbHNlIGFmIHBhcy0gb2cga8O4cmVrb3J0?=
    Date: Thu, 5 Mar 2026 08:00:00 +0100
    Message-ID: <9b1e2c@example.dk>
    Content-Language: da
    MIME-Version: 1.0
    Content-Type: multipart/related; boundary="rel"

    --rel
    Content-Type: text/html; charset="utf-8"
    Content-Transfer-Encoding: base64

    {html}
    --rel
    Content-Type: image/png
    Content-ID: <logo@example.dk>
    Content-Disposition: inline
    Content-Transfer-Encoding: base64

    {logo}
    --rel
    Content-Type: image/jpeg; name="kvittering.jpg"
    Content-Disposition: inline; filename="kvittering.jpg"
    Content-Transfer-Encoding: base64

    {receipt}
    --rel--
    """,
    html=_b64(DANISH_HTML_BODY.encode()),
    logo=_b64(b"\x89PNG\r\n\x1a\nlogo"),
    receipt=_b64(b"JFIF-receipt"),
)


def test_a_danish_html_only_mail_is_read_as_text_and_only_named_inline_images_are_attachments():
    mail = parse_mail(DANISH_HTML)

    assert mail.subject == "Fornyelse af pas- og kørekort"
    assert mail.text.splitlines()[0] == "Kære Holbæk Kommune,"
    assert "Jeg vil gerne forny mit pas og kørekort." in mail.text
    assert "- Pas udløber 1. april\n- Kørekort udløber 3. maj" in mail.text
    assert "Se borger.dk (https://www.borger.dk/pas).\nVenlig hilsen\nMette" in mail.text
    assert "font-family" not in mail.text
    assert "alert" not in mail.text
    assert mail.attachments == (Attachment("kvittering.jpg", "image/jpeg", b"JFIF-receipt"),)
    assert mail.language_hint == "da"


def test_html_to_text_keeps_paragraphs_lists_and_link_targets():
    html = "<p>One&nbsp;two</p><p>Three<br/>four</p><ol><li>a</li><li>b</li></ol><a href='mailto:x@y'>x@y</a>"
    assert html_to_text(html) == "One two\n\nThree\nfour\n\n- a\n- b\n\nx@y"


def test_html_that_trips_the_standard_parser_still_gives_text():
    assert html_to_text("<p><![if !supportLists]>1.<![endif]>Punkt</p>") == "1.Punkt"  # Outlook's lists
    assert html_to_text("<style>p{}</style><![foo[ x ]]><b>Hei</b> &amp; takk") == "Hei & takk"


REPLY = _raw(
    """
    From: Kari Nordmann <kari.nordmann@example.no>
    To: postmottak@gulen.kommune.no
    Subject: Sv: SV: Re: =?utf-8?q?S=C3=B8knad_om_fritak?= [GUL-2026-000123]
    Date: Fri, 6 Mar 2026 10:30:00 +0100
    Message-ID: <reply-2@mail.example.no>
    In-Reply-To: <ack-1@gulen.civicdesk.no>
    References: <CAF1234abcd+x@mail.example.no>
     <ack-1@gulen.civicdesk.no>
    MIME-Version: 1.0
    Content-Type: text/plain; charset=utf-8

    Takk for svar. Her er tallene dere ba om.

    > Vi har mottatt henvendelsen din.
    """
)


def test_a_reply_carries_its_thread_and_case_number():
    mail = parse_mail(REPLY, own_addresses=OWN)

    assert mail.in_reply_to == ("ack-1@gulen.civicdesk.no",)
    assert mail.references == ("CAF1234abcd+x@mail.example.no", "ack-1@gulen.civicdesk.no")
    assert mail.subject == "Sv: SV: Re: Søknad om fritak [GUL-2026-000123]"
    assert case_numbers_in(mail.subject) == ["GUL-2026-000123"]
    assert strip_reply_prefixes(mail.subject) == "Søknad om fritak"
    assert "> Vi har mottatt henvendelsen din." in mail.text  # quoted history may stay
    assert mail.auto_kind == ""  # our domain in References is a normal reply, not a loop


PDF_ATTACHMENT = _raw(
    """
    From: Ola Hansen <ola@example.no>
    To: postmottak@gulen.kommune.no
    Subject: Vedlagt søknad
    Message-ID: <pdf-1@example.no>
    MIME-Version: 1.0
    Content-Type: multipart/mixed; boundary="mix"

    --mix
    Content-Type: multipart/alternative; boundary="alt"

    --alt
    Content-Type: text/plain; charset=utf-8

    Se vedlegg.
    --alt
    Content-Type: text/html; charset=utf-8

    <p>Se <b>vedlegg</b>.</p>
    --alt--
    --mix
    Content-Type: application/pdf; name*=utf-8''s%C3%B8knad.pdf
    Content-Disposition: attachment; filename*=utf-8''s%C3%B8knad.pdf
    Content-Transfer-Encoding: base64

    {pdf}
    --mix
    Content-Type: application/pdf; name="=?utf-8?B?dmVkdGFrIMOlci5wZGY=?="
    Content-Disposition: attachment; filename="=?utf-8?B?dmVkdGFrIMOlci5wZGY=?="
    Content-Transfer-Encoding: base64

    {pdf}
    --mix
    Content-Type: text/plain; charset=utf-8
    Content-Disposition: attachment; filename="C:\\\\Users\\\\ola\\\\..\\\\notater.txt"

    notater
    --mix--
    """,
    charset="utf-8",
    pdf=_b64(PDF),
)


def test_a_pdf_with_an_rfc2231_filename_is_kept_byte_for_byte():
    mail = parse_mail(PDF_ATTACHMENT)

    assert mail.text == "Se vedlegg."
    assert mail.attachments[0] == Attachment("søknad.pdf", "application/pdf", PDF)
    assert mail.attachments[1].filename == "vedtak år.pdf"  # Outlook's RFC 2047 inside a quoted filename
    assert mail.attachments[2] == Attachment("notater.txt", "text/plain", b"notater")  # no path climbing
    assert mail.subject == "Vedlagt søknad"  # raw UTF-8 in a header, as some webmailers send it


def test_raw_latin1_in_headers_and_a_bogus_charset_label_still_decode():
    raw = (
        "From: Bjørn Ås <bjorn@example.no>\r\nTo: postmottak@gulen.kommune.no\r\nSubject: Klage på brøytingen\r\n"
        'Content-Type: text/plain; charset="x-nordic-unknown"\r\n\r\nVeien er ikke brøytet på tre dager.\r\n'
    ).encode("latin-1")
    mail = parse_mail(raw)

    assert mail.subject == "Klage på brøytingen"
    assert mail.from_name == "Bjørn Ås"
    assert mail.text == "Veien er ikke brøytet på tre dager."


def test_a_body_declared_utf8_but_written_in_latin1_falls_back_without_crashing():
    raw = b"From: a@example.no\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSm\xf8rbr\xf8d og \xe6bler\r\n"
    assert parse_mail(raw).text == "Smørbrød og æbler"


def test_a_charset_label_naming_a_non_text_codec_is_ignored():
    raw = b"From: a@example.no\r\nContent-Type: text/plain; charset=base64\r\n\r\nhei\r\n"
    assert parse_mail(raw).text == "hei"


@pytest.mark.parametrize(
    ("data", "charset", "text"),
    [
        ("Blåbærsyltetøy".encode("latin-1"), "iso-8859-1", "Blåbærsyltetøy"),
        ("Blåbærsyltetøy".encode(), "iso-8859-1", "Blåbærsyltetøy"),  # mislabelled UTF-8
        ("Blåbærsyltetøy".encode(), "us-ascii", "Blåbærsyltetøy"),
        ("Pris: 40 €".encode("cp1252"), "iso-8859-1", "Pris: 40 €"),
        ("Pris: 40 €".encode("iso-8859-15"), "iso-8859-15", "Pris: 40 €"),
        ("Blåbær".encode("latin-1"), "utf-8", "Blåbær"),
        ("Blåbær".encode("latin-1"), None, "Blåbær"),
        ("Blåbær".encode(), "rot13", "Blåbær"),
        (b"\x81\x8d", "utf-8", "\x81\x8d"),  # undefined in windows-1252: Latin-1 takes it
    ],
)
def test_decode_bytes_never_fails_and_gets_nordic_text_right(data, charset, text):
    assert decode_bytes(data, charset) == text


def test_a_header_the_modern_parser_chokes_on_is_read_with_the_legacy_parser():
    raw = (
        b"From: Ola <ola@example.no>\r\nSubject: Vedlegg\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n"
        b"--x\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHei\r\n"
        b"--x\r\nContent-Type: application/pdf; name*=utf\x00-8''s%C3%B8knad.pdf\r\n"
        b'Content-Disposition: attachment; filename="soknad.pdf"\r\n\r\n%PDF\r\n--x--\r\n'
    )
    mail = parse_mail(raw)
    assert (mail.from_address, mail.text) == ("ola@example.no", "Hei")
    assert [attachment.filename for attachment in mail.attachments] == ["soknad.pdf"]


def test_a_multipart_without_boundary_is_read_as_text():
    mail = parse_mail(b"From: a@example.no\r\nContent-Type: multipart/mixed\r\n\r\nHei kommunen")
    assert mail.text == "Hei kommunen"


def test_absurdly_nested_mime_is_refused_as_undecodable():
    levels = b"".join(b"--b%d\r\nContent-Type: multipart/mixed; boundary=b%d\r\n\r\n" % (n, n + 1) for n in range(3000))
    raw = b"From: a@example.no\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n" + levels + b"--b3000\r\n\r\nx"
    with pytest.raises(MailError) as caught:
        parse_mail(raw)
    assert caught.value.reason == "undecodable"


def test_attachment_names_lose_their_directories():
    raw = (
        b"From: a@example.no\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n\r\nHei\r\n"
        b"--x\r\nContent-Type: application/octet-stream\r\n"
        b'Content-Disposition: attachment; filename="../../etc/.passwd"\r\n\r\nroot\r\n'
        b"--x\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n--x--\r\n"
    )
    names = [attachment.filename for attachment in parse_mail(raw).attachments]
    assert names == ["passwd", "attachment-3.pdf"]  # a nameless PDF is kept under a made-up name


def test_a_message_without_message_id_gets_a_stable_synthetic_id():
    raw = _raw(
        """
        From: anonym@example.no
        To: postmottak@gulen.kommune.no
        Subject: Hull i veien

        Det er et stort hull i veien ved skolen.
        """
    )
    first, again = parse_mail(raw), parse_mail(raw)
    other = parse_mail(raw.replace(b"skolen", b"kirken"))

    assert re.fullmatch(r"sha256-[0-9a-f]{64}@civicdesk\.invalid", first.message_id)
    assert first.message_id == again.message_id
    assert other.message_id != first.message_id
    assert first.sent_at is None


def test_a_naive_date_is_read_as_utc_and_a_broken_date_as_unknown():
    naive = parse_mail(b"From: a@example.no\r\nDate: Mon, 2 Mar 2026 10:00:00 -0000\r\n\r\nx")
    broken = parse_mail(b"From: a@example.no\r\nDate: next tuesday\r\n\r\nx")

    assert naive.sent_at == datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    assert broken.sent_at is None


# --------------------------------------------------------------------------------------------------------------
# Input that is not usable mail
# --------------------------------------------------------------------------------------------------------------


def test_an_oversized_message_is_refused_before_parsing():
    with pytest.raises(MailError) as caught:
        parse_mail(NORWEGIAN, max_bytes=100)
    assert caught.value.reason == "too-large"


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10", "no-headers"),
        (b"\x00\xff\xfe\xfd garbage \x01\x02", "no-headers"),
        (b"Hello, this is just a text file.\nNothing to see.\n", "no-headers"),
        (b"Subject: hi\r\nTo: postmottak@gulen.kommune.no\r\n\r\nno sender", "no-from"),
        (b"From: garbage\r\nSubject: hi\r\n\r\nbody", "no-from"),
        (b"From: <>\r\nSubject: hi\r\n\r\nbody", "no-from"),
    ],
)
def test_input_that_is_not_mail_raises_mail_error_with_a_reason(raw, reason):
    with pytest.raises(MailError) as caught:
        parse_mail(raw)
    assert caught.value.reason == reason
    assert isinstance(caught.value, ValueError)


# --------------------------------------------------------------------------------------------------------------
# Machines writing in
# --------------------------------------------------------------------------------------------------------------

OUTLOOK_OUT_OF_OFFICE = _raw(
    """
    Return-Path: <asa.lindstrom@example.se>
    From: =?iso-8859-1?Q?=C5sa_Lindstr=F6m?= <asa.lindstrom@example.se>
    To: Gulen kommune <noreply@gulen.civicdesk.no>
    Subject: Automatisk svar: Vi har mottatt din henvendelse [GUL-2026-000123]
    Thread-Topic: Vi har mottatt din henvendelse [GUL-2026-000123]
    Thread-Index: AQHZ1234567890abcdef==
    Date: Fri, 6 Mar 2026 10:31:02 +0000
    Message-ID: <AM0PR0123MB4567.eurprd01.prod.exchangelabs.com>
    In-Reply-To: <ack-1@gulen.civicdesk.no>
    References: <ack-1@gulen.civicdesk.no>
    Content-Language: sv-SE
    X-MS-Has-Attach:
    X-MS-Exchange-Organization-SCL: -1
    X-MS-TNEF-Correlator:
    auto-submitted: auto-generated
    x-ms-exchange-generated-message-source: Mailbox Rules Agent
    X-Auto-Response-Suppress: All
    MIME-Version: 1.0
    Content-Type: text/plain; charset="iso-8859-1"
    Content-Transfer-Encoding: quoted-printable

    Jag =E4r ledig till och med 16 mars.
    """
)


def test_an_outlook_out_of_office_is_an_auto_reply():
    mail = parse_mail(OUTLOOK_OUT_OF_OFFICE, own_addresses=OWN)

    assert mail.auto_kind == "auto-reply"
    assert mail.text == "Jag är ledig till och med 16 mars."
    assert mail.language_hint == "sv"


def test_an_older_exchange_out_of_office_without_auto_submitted_is_caught_by_its_subject():
    raw = OUTLOOK_OUT_OF_OFFICE.replace(b"auto-submitted: auto-generated\r\n", b"")
    assert automatic_kind(_message(raw), OWN) == "auto-reply"


def test_x_auto_response_suppress_alone_does_not_make_a_persons_mail_automatic():
    # Ticket systems, list servers and Exchange transport rules put it on mail written by people.
    raw = _raw(
        """
        From: Saksbehandler <sak@nabokommune.example.no>
        To: postmottak@gulen.kommune.no
        Subject: Re: Felles brøyteavtale
        X-Auto-Response-Suppress: All
        Content-Type: text/plain; charset=utf-8

        Vi kan møtes tirsdag.
        """,
        charset="utf-8",
    )
    assert parse_mail(raw).auto_kind == ""


GMAIL_VACATION = _raw(
    """
    Return-Path: <>
    From: Per Olsen <per.olsen@gmail.com>
    To: noreply@gulen.civicdesk.no
    Subject: Ferie
    Date: Fri, 6 Mar 2026 11:00:00 -0800
    Message-ID: <CAJ7vacation@mail.gmail.com>
    In-Reply-To: <ack-9@gulen.civicdesk.no>
    References: <ack-9@gulen.civicdesk.no>
    Auto-Submitted: auto-replied
    MIME-Version: 1.0
    Content-Type: multipart/alternative; boundary="000000000000abc"

    --000000000000abc
    Content-Type: text/plain; charset="UTF-8"

    Jeg er på ferie til 20. mars.
    --000000000000abc
    Content-Type: text/html; charset="UTF-8"

    <div dir="ltr">Jeg er på ferie til 20. mars.</div>
    --000000000000abc--
    """,
    charset="utf-8",
)


def test_a_gmail_vacation_responder_is_an_auto_reply_even_with_a_null_return_path():
    mail = parse_mail(GMAIL_VACATION)
    assert mail.auto_kind == "auto-reply"
    assert mail.text == "Jeg er på ferie til 20. mars."


DSN_BOUNCE = _raw(
    """
    Return-Path: <>
    From: Mail Delivery System <MAILER-DAEMON@mx.gulen.kommune.no>
    To: noreply@gulen.civicdesk.no
    Subject: Undelivered Mail Returned to Sender
    Date: Fri, 6 Mar 2026 12:00:00 +0100
    Message-ID: <20260306110000.ABC12@mx.gulen.kommune.no>
    Auto-Submitted: auto-replied
    MIME-Version: 1.0
    Content-Type: multipart/report; report-type=delivery-status;
     boundary="B1.1741258800/mx.gulen.kommune.no"

    --B1.1741258800/mx.gulen.kommune.no
    Content-Description: Notification
    Content-Type: text/plain; charset=us-ascii

    This is the mail system at host mx.gulen.kommune.no.

    I'm sorry to have to inform you that your message could not
    be delivered to one or more recipients.

    <kari.nordmann@example.invalid>: Host or domain name not found.

    --B1.1741258800/mx.gulen.kommune.no
    Content-Description: Delivery report
    Content-Type: message/delivery-status

    Reporting-MTA: dns; mx.gulen.kommune.no
    Arrival-Date: Fri,  6 Mar 2026 11:59:58 +0100 (CET)

    Final-Recipient: rfc822; kari.nordmann@example.invalid
    Action: failed
    Status: 5.4.4
    Diagnostic-Code: X-Postfix; Host or domain name not found.

    --B1.1741258800/mx.gulen.kommune.no
    Content-Description: Undelivered Message
    Content-Type: message/rfc822

    From: Gulen kommune <noreply@gulen.civicdesk.no>
    To: kari.nordmann@example.invalid
    Subject: Re: Søknad [GUL-2026-000123]
    Message-ID: <ack-1@gulen.civicdesk.no>
    X-Civicdesk-Loop: noreply@gulen.civicdesk.no
    Content-Type: text/plain; charset=utf-8

    Vi har mottatt henvendelsen din.

    --B1.1741258800/mx.gulen.kommune.no--
    """,
    charset="utf-8",
)


def test_a_dsn_from_mailer_daemon_is_a_bounce_and_keeps_the_returned_message():
    mail = parse_mail(DSN_BOUNCE, own_addresses=OWN)

    assert mail.auto_kind == "bounce"
    assert mail.from_address == "mailer-daemon@mx.gulen.kommune.no"
    assert "could not\nbe delivered" in mail.text
    assert [(a.filename, a.content_type) for a in mail.attachments] == [("message.eml", "message/rfc822")]
    assert b"Message-ID: <ack-1@gulen.civicdesk.no>" in mail.attachments[0].data


MAILING_LIST = _raw(
    """
    Return-Path: <bounces+123@lists.example.org>
    From: Nyhetsbrev fra KS <nyheter@ks.example.no>
    To: postmottak@gulen.kommune.no
    Subject: [KS-nytt] Uke 10
    Message-ID: <list-10@lists.example.org>
    List-Id: KS nyheter <ks-nytt.lists.example.org>
    List-Unsubscribe: <mailto:leave-ks-nytt@lists.example.org>, <https://lists.example.org/u/123>
    List-Unsubscribe-Post: List-Unsubscribe=One-Click
    Precedence: list
    Content-Type: text/plain; charset=utf-8

    Denne uken: nytt inntektssystem.
    """
)


def test_a_mailing_list_mail_is_bulk():
    assert parse_mail(MAILING_LIST).auto_kind == "bulk"


@pytest.mark.parametrize(
    ("headers", "kind"),
    [
        ("Auto-Submitted: no", ""),
        ("Auto-Submitted: auto-generated (cron)", "auto-reply"),
        ("Auto-Submitted: auto-notified; owner-email=x@example.no", "auto-reply"),
        ("X-Autoreply: yes", "auto-reply"),
        ("X-Autorespond: Jeg er borte", "auto-reply"),
        ("X-Autogenerated: Reply", "auto-reply"),
        ("Precedence: auto_reply", "auto-reply"),
        ("Precedence: bulk", "bulk"),
        ("Precedence: junk", "bulk"),
        ("List-Unsubscribe: <https://news.example.no/u>", "bulk"),
        ("X-Failed-Recipients: kari@example.invalid", "bounce"),
        ("Return-Path: <>", "bounce"),
        ("Return-Path: <postmottak@gulen.kommune.no>", "loop"),
        ("X-Civicdesk-Loop: noreply@gulen.civicdesk.no", "loop"),
        ("X-Civicdesk-Loop: noreply@other.civicdesk.no", ""),  # another civicdesk's staff writing to us
        ("X-Auto-Response-Suppress: OOF, AutoReply", ""),
    ],
)
def test_each_rule_of_the_table_on_its_own(headers, kind):
    raw = _raw(f"From: someone@example.no\nSubject: Hei\n{headers}\n\nbody\n")
    assert automatic_kind(_message(raw), OWN) == kind


def test_postmaster_and_unqualified_mailer_daemon_senders_are_bounces():
    assert parse_mail(b"From: postmaster@example.no\r\n\r\nx").auto_kind == "bounce"
    mail = parse_mail(b"From: MAILER-DAEMON\r\nSubject: Returned mail\r\n\r\nx")
    assert (mail.from_address, mail.auto_kind) == ("mailer-daemon", "bounce")


def test_mail_from_our_own_address_is_a_loop_even_if_it_also_looks_like_a_bounce():
    raw = _raw("From: Noreply@Gulen.Civicdesk.no\nReturn-Path: <>\nContent-Type: multipart/report\n\nx\n")
    assert automatic_kind(_message(raw), OWN) == "loop"
    assert automatic_kind(_message(raw)) == "bounce"


def test_the_rule_table_names_every_kind_and_explains_each_rule():
    assert {rule.kind for rule in AUTOMATIC_RULES} == {"loop", "bounce", "auto-reply", "bulk"}
    assert all(rule.why for rule in AUTOMATIC_RULES)


# --------------------------------------------------------------------------------------------------------------
# Subjects and case numbers
# --------------------------------------------------------------------------------------------------------------


def test_case_numbers_are_found_in_brackets_or_bare_and_returned_uppercase():
    subject = "Sv: [gul-2026-000123] gjelder også OSL-2025-000001 og GUL-2026-000123"
    assert case_numbers_in(subject) == ["GUL-2026-000123", "OSL-2025-000001"]


@pytest.mark.parametrize(
    "subject",
    ["ABCDEFG-2026-000123", "G-2026-000123", "GUL-2026-0001234", "GUL-26-000123", "GUL-2026-00012", "Ø-2026-000123"],
)
def test_things_that_only_look_like_case_numbers_are_ignored(subject):
    assert case_numbers_in(subject) == []


@pytest.mark.parametrize(
    ("subject", "stripped"),
    [
        ("Re: Søknad", "Søknad"),
        ("RE: Re: re: Søknad", "Søknad"),
        ("Sv: SV: Vs: VS: Aw: AW: Fwd: Fw: VB: Vb: WG: Søknad", "Søknad"),
        ("Re[2]: Søknad", "Søknad"),
        ("Sv: Søknad [GUL-2026-000123]", "Søknad"),
        ("[GUL-2026-000123] Re: Søknad", "Søknad"),
        ("Re:Søknad om  fritak", "Søknad om fritak"),
        ("Svar på søknad", "Svar på søknad"),
        ("Rest: kommunen", "Rest: kommunen"),
    ],
)
def test_reply_prefixes_and_case_tags_are_stripped(subject, stripped):
    assert strip_reply_prefixes(subject) == stripped


# --------------------------------------------------------------------------------------------------------------
# Replies we send
# --------------------------------------------------------------------------------------------------------------


def _reply(**overrides):
    arguments = {
        "from_address": "noreply@gulen.civicdesk.no",
        "from_name": "Gulen kommune",
        "to_address": "kari.nordmann@example.no",
        "subject": "Sv: Re: Søknad om fritak [GUL-2026-000123]",
        "text": "Vi har mottatt henvendelsen din.\n\nSaksnummer: GUL-2026-000123",
        "message_id_domain": "gulen.civicdesk.no",
        "in_reply_to": "reply-2@mail.example.no",
        "references": ["<CAF1234abcd+x@mail.example.no>", "ack-1@gulen.civicdesk.no"],
        "case_number": "GUL-2026-000123",
        "language": "nb",
    }
    arguments.update(overrides)
    return build_reply(**arguments)


def test_a_reply_threads_under_the_message_it_answers():
    message_id, message = _reply()

    assert re.fullmatch(r"[0-9a-f]{32}@gulen\.civicdesk\.no", message_id)
    assert message["Message-ID"] == f"<{message_id}>"
    assert message["In-Reply-To"] == "<reply-2@mail.example.no>"
    assert message["References"] == (
        "<CAF1234abcd+x@mail.example.no> <ack-1@gulen.civicdesk.no> <reply-2@mail.example.no>"
    )
    assert message["From"] == "Gulen kommune <noreply@gulen.civicdesk.no>"
    assert message["To"] == "kari.nordmann@example.no"
    assert message["Content-Language"] == "nb"
    assert message["Date"].datetime.tzinfo is not None
    assert message["Auto-Submitted"] is None
    assert message.get_content() == "Vi har mottatt henvendelsen din.\n\nSaksnummer: GUL-2026-000123\n"


def test_long_reference_chains_keep_the_thread_root_and_the_newest_twenty():
    references = [f"<m{number}@example.no>" for number in range(30)]
    _, message = _reply(references=references, in_reply_to="m30@example.no")
    kept = re.findall(r"<([^>]+)>", message["References"])

    assert len(kept) == 20
    assert kept[0] == "m0@example.no"
    assert kept[1:] == [f"m{number}@example.no" for number in range(12, 31)]


@pytest.mark.parametrize(
    ("subject", "case_number", "expected"),
    [
        ("Sv: Re: Søknad om fritak [GUL-2026-000123]", "GUL-2026-000123", "Re: Søknad om fritak [GUL-2026-000123]"),
        ("Re: Re: Søknad om fritak", "GUL-2026-000123", "Re: Søknad om fritak [GUL-2026-000123]"),
        ("RE: [gul-2026-000123] Søknad", "GUL-2026-000123", "Re: Søknad [GUL-2026-000123]"),
        ("Re: Søknad [GUL-2026-000123]", None, "Re: Søknad [GUL-2026-000123]"),
        ("Søknad", None, "Re: Søknad"),
        ("Linje\r\nBcc: spion@example.no", None, "Re: Linje Bcc: spion@example.no"),
    ],
)
def test_the_reply_subject_has_one_prefix_and_one_case_tag(subject, case_number, expected):
    _, message = _reply(subject=subject, case_number=case_number)
    assert message["Subject"] == expected
    assert message["Bcc"] is None


def test_a_message_that_answers_nothing_gets_no_reply_prefix():
    _, message = _reply(in_reply_to=None, references=[], subject="Vedtak i saken")
    assert message["Subject"] == "Vedtak i saken [GUL-2026-000123]"
    assert message["In-Reply-To"] is None
    assert message["References"] is None


def test_an_automatic_acknowledgement_says_so_and_asks_others_to_stay_quiet():
    _, message = _reply(auto_submitted=True)
    assert message["Auto-Submitted"] == "auto-replied"
    assert message["X-Auto-Response-Suppress"] == "All"


def test_our_acknowledgement_bounced_back_by_an_auto_responder_is_recognised():
    message_id, message = _reply(
        auto_submitted=True, attachments=[Attachment("kvittering.pdf", "application/pdf", PDF)]
    )
    mail = parse_mail(message.as_bytes())

    assert mail.auto_kind == "auto-reply"  # via Auto-Submitted alone
    assert mail.message_id == message_id
    assert mail.in_reply_to == ("reply-2@mail.example.no",)
    assert mail.subject == "Re: Søknad om fritak [GUL-2026-000123]"
    assert mail.text.startswith("Vi har mottatt henvendelsen din.")
    assert mail.attachments == (Attachment("kvittering.pdf", "application/pdf", PDF),)
    assert mail.language_hint == "nb"
    assert parse_mail(message.as_bytes(), own_addresses=OWN).auto_kind == "loop"


def test_a_reply_with_a_nordic_attachment_name_round_trips():
    _, message = _reply(attachments=[Attachment("vedtak om fritak – søknad.pdf", "application/pdf", PDF)])
    mail = parse_mail(message.as_bytes())
    assert mail.attachments == (Attachment("vedtak om fritak – søknad.pdf", "application/pdf", PDF),)
    assert mail.auto_kind == ""


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"to_address": "kari@example.no\r\nBcc: spion@example.no"}, "bad-address"),
        ({"to_address": "kari, ola@example.no"}, "bad-address"),
        ({"from_address": "not-an-address"}, "bad-address"),
        ({"message_id_domain": "gulen civicdesk"}, "bad-domain"),
        ({"message_id_domain": ""}, "bad-domain"),
        ({"language": "nb\r\nBcc: x"}, "bad-language"),
    ],
)
def test_build_reply_refuses_values_that_would_break_headers(overrides, reason):
    with pytest.raises(MailError) as caught:
        _reply(**overrides)
    assert caught.value.reason == reason
