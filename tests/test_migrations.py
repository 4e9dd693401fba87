"""Migrations: up to head and down to base work on the test database, and the models match head."""

from __future__ import annotations

from alembic import command
from sqlalchemy import Engine, inspect

from models import Base
from models.migrate import alembic_config, downgrade_to_base, upgrade_to_head


def test_downgrade_to_base_and_back_to_head(engine: Engine, database_url_for_tests: str) -> None:
    downgrade_to_base(database_url_for_tests)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade_to_head(database_url_for_tests)
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())


def test_models_and_migrations_do_not_drift(engine: Engine, database_url_for_tests: str) -> None:
    command.check(alembic_config(database_url_for_tests))  # raises when autogenerate would find changes
