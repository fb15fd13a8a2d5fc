"""Storage: SQLAlchemy 2 typed models, the engine and unit of work, repositories, migrations.

Dependency rule: storage imports nothing from bot/, nlu/, knowledge/ or handoff/.
"""
