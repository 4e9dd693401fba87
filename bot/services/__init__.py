"""The domain: plain functions over a SQLAlchemy Session and a Clock. Nothing here imports Bolt."""
