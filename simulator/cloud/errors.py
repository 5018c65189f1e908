"""What the cloud answers when an action cannot be done: one message a learner can act on, and the form
field it concerns, so the console can show it beside that field. Nothing is changed when one is raised."""

from __future__ import annotations


class CloudError(ValueError):
    """An action refused, with why (`str(error)`) and the field at fault ("" when it is no one field)."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


class NotFound(CloudError):
    """No resource of that kind has that name or id in this learner's cloud."""


class QuotaExceeded(CloudError):
    """The learner's quota for a resource would be exceeded."""


class Conflict(CloudError):
    """The resource is in a state that does not allow the action (a volume in use, an instance building)."""
