"""The two database roles: the owner of the tables, and the portal's role that owns nothing.

Migrations run as the owner (DATABASE_OWNER_URL); the web server, the worker and beat log in
with DATABASE_URL as a login role in the group `akimat_portal`, to which migration
akimat/0009 grants row access (SELECT, INSERT, UPDATE, DELETE; USAGE on sequences) and the
append-only tables take UPDATE and DELETE back. Owning nothing and no superuser, the portal
cannot TRUNCATE, ALTER a table, drop or disable a trigger, or set session_replication_role.

`create_portal_login` is the one way the roles are made beside a database this code reaches
(the embedded server, CI, the tests); the compose database container, which has no Python,
runs docker/initdb/10-portal-role.sh with the same two statements.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping

import psycopg
from django.conf import settings
from django.db import connections
from psycopg import sql

PORTAL_GROUP = "akimat_portal"

# Creating a role that another session creates at the same moment is not an error here.
_CREATE = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {group_name}) THEN
        CREATE ROLE {group} NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {login_name}) THEN
        CREATE ROLE {login} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE INHERIT {password};
    END IF;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END;
$$;
"""


def create_portal_login(conninfo: str, login: str, password: str | None = None) -> None:
    """As a role that may create roles (`conninfo`), make sure `login` exists and is in the
    portal's group."""
    statement = sql.SQL(_CREATE).format(
        group=sql.Identifier(PORTAL_GROUP),
        group_name=sql.Literal(PORTAL_GROUP),
        login=sql.Identifier(login),
        login_name=sql.Literal(login),
        password=sql.SQL("PASSWORD {}").format(sql.Literal(password)) if password else sql.SQL(""),
    )
    grant = sql.SQL("GRANT {group} TO {login}").format(
        group=sql.Identifier(PORTAL_GROUP), login=sql.Identifier(login)
    )
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(statement)
        conn.execute(grant)


_CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")


@contextlib.contextmanager
def as_owner(alias: str = "default") -> Iterator[None]:
    """Run the block on `alias` logged in as the owner of the tables (migrations, the tests'
    set-up and clean-up), then log in as the portal again."""
    connection = connections[alias]
    owner_login: Mapping[str, object] = settings.DATABASE_OWNER
    owner = {key: owner_login[key] for key in _CREDENTIALS}
    current: Mapping[str, object] = connection.settings_dict
    portal = {key: current[key] for key in _CREDENTIALS}
    if owner == portal:
        yield
        return
    connection.close()
    connection.settings_dict.update(owner)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(portal)


def create_owner_login(conninfo: str, login: str, database: str) -> None:
    """As a superuser (`conninfo`), make sure `login` exists (may create databases, nothing
    more) and owns `database`: CI's and the backup drill's owner of the tables."""
    role = sql.SQL(
        """
        DO $$
        BEGIN
            IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = {name}) THEN
                CREATE ROLE {login} LOGIN NOSUPERUSER CREATEDB NOCREATEROLE;
            END IF;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
        END;
        $$;
        """
    ).format(name=sql.Literal(login), login=sql.Identifier(login))
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(role)
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone():
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    sql.Identifier(database), sql.Identifier(login)
                )
            )
