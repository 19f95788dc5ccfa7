"""The yardstick for the intake benchmark: a bare Django + django-ninja app with one endpoint that inserts
one row, served by the same server command on the same database as civicdesk. Its settings are what
``django-admin startproject`` gives (the stock middleware, sessions, auth, messages), nothing more."""
