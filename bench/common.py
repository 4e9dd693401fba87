"""What the benchmarks share: a database of their own, created when missing and reset to the newest schema."""

from __future__ import annotations

from sqlalchemy import MetaData, create_engine, text
from sqlalchemy.engine import make_url

from models.db import make_engine
from models.migrate import upgrade_to_head


def describe_database(url: str) -> str:
    if url.startswith("sqlite"):
        return "SQLite"
    return url.split("://", 1)[0] + "://" + url.rsplit("@", 1)[-1]  # no password in the output


def ensure_database(url: str) -> None:
    """Create the PostgreSQL database when it is missing (connecting to the 'postgres' database).

    Benchmarks drop every table of their database, so a PostgreSQL name without "bench" is refused:
    never the test suite's `test`, never a real one."""
    parsed = make_url(url)
    if not parsed.drivername.startswith("postgresql"):
        return
    name = parsed.database or ""
    if "bench" not in name:
        raise SystemExit(f"refusing to drop every table of database {name!r}: use a database named *bench*")
    admin = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT", hide_parameters=True)
    try:
        with admin.connect() as connection:
            exists = connection.scalar(text("select 1 from pg_database where datname = :name"), {"name": name})
            if not exists:
                connection.execute(text(f'create database "{name}"'))
    finally:
        admin.dispose()


def reset_schema(url: str) -> None:
    """Drop every table there is (alembic_version too), then migrate to head."""
    engine = make_engine(url)
    try:
        existing = MetaData()
        existing.reflect(engine)
        existing.drop_all(engine)
    finally:
        engine.dispose()
    upgrade_to_head(url)
