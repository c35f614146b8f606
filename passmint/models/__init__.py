"""Every table, imported once so the mapper and Alembic see them all."""

from passmint.models.accounts import Account, ApiKey
from passmint.models.base import Base, clone
from passmint.models.certificates import Certificate
from passmint.models.projects import Project
from passmint.models.tickets import Ticket

__all__ = ["Account", "ApiKey", "Base", "Certificate", "Project", "Ticket", "clone"]
