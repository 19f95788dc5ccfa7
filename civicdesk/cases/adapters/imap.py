"""IMAP: fetch unseen messages and delete each only when told (after it is committed in civicdesk)."""

import imaplib
from collections.abc import Iterator
from contextlib import contextmanager


class ImapMailbox:
    """A logged-in IMAP folder. ``unseen()`` yields (uid, raw bytes); ``acknowledge(uid)`` removes one."""

    def __init__(self, connection: imaplib.IMAP4):
        self.connection = connection

    @classmethod
    @contextmanager
    def connect(cls, mailbox) -> Iterator["ImapMailbox"]:
        factory = imaplib.IMAP4_SSL if mailbox.imap_port == 993 else imaplib.IMAP4
        connection = factory(mailbox.imap_host, mailbox.imap_port, timeout=30)
        try:
            if factory is imaplib.IMAP4 and "STARTTLS" in connection.capabilities:
                connection.starttls()
            connection.login(mailbox.imap_username, mailbox.imap_password)
            connection.select(mailbox.imap_folder)
            yield cls(connection)
        finally:
            try:
                connection.expunge()
                connection.logout()
            except (imaplib.IMAP4.error, OSError):
                pass

    def unseen(self, limit: int = 200) -> Iterator[tuple[bytes, bytes]]:
        _status, data = self.connection.uid("search", None, "UNDELETED")
        for uid in (data[0] or b"").split()[:limit]:
            _status, parts = self.connection.uid("fetch", uid, "(BODY.PEEK[])")
            raw = next((part[1] for part in parts if isinstance(part, tuple)), None)
            if raw is not None:
                yield uid, raw

    def acknowledge(self, uid: bytes) -> None:
        self.connection.uid("store", uid, "+FLAGS", "(\\Deleted)")
