"""SQLAlchemy 2 models, one module per aggregate. Importing this package registers every table."""

from models.action import Action, ActionContact
from models.base import Base
from models.digest import Digest
from models.event import Event
from models.form_submission import FormSubmission
from models.nudge import Nudge
from models.person import Person
from models.team import Membership, Team
from models.workspace import Workspace

__all__ = [
    "Action",
    "ActionContact",
    "Base",
    "Digest",
    "Event",
    "FormSubmission",
    "Membership",
    "Nudge",
    "Person",
    "Team",
    "Workspace",
]
