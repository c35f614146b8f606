"""Every table, imported once so the mapper and Alembic see them all."""

from passmint.models.accounts import Account, ApiKey
from passmint.models.adaptive_links import AdaptiveLink, AdaptiveLinkPass
from passmint.models.base import Base, clone
from passmint.models.callbacks import CallbackSpec
from passmint.models.certificates import Certificate
from passmint.models.google import GoogleMessage, GoogleObject, GoogleRate
from passmint.models.google_callbacks import GoogleCallbackNonce
from passmint.models.images import Image
from passmint.models.jobs import Job
from passmint.models.journeys import Journey, JourneyGroup, JourneyPass
from passmint.models.links import DynamicLink
from passmint.models.nfc import NfcMerchant
from passmint.models.passes import ChangeClock, Pass, PassTag, Tag
from passmint.models.projects import Project
from passmint.models.registrations import Device, DeviceLog, Registration
from passmint.models.schedules import Schedule
from passmint.models.segments import Segment
from passmint.models.stats import DailyCount, TemplateCount
from passmint.models.templates import Location, Template
from passmint.models.tickets import Ticket

__all__ = [
    "Account",
    "AdaptiveLink",
    "AdaptiveLinkPass",
    "ApiKey",
    "Base",
    "CallbackSpec",
    "Certificate",
    "ChangeClock",
    "DailyCount",
    "Device",
    "DeviceLog",
    "DynamicLink",
    "GoogleCallbackNonce",
    "GoogleMessage",
    "GoogleObject",
    "GoogleRate",
    "Image",
    "Job",
    "Journey",
    "JourneyGroup",
    "JourneyPass",
    "Location",
    "NfcMerchant",
    "Pass",
    "PassTag",
    "Project",
    "Registration",
    "Schedule",
    "Segment",
    "Tag",
    "Template",
    "TemplateCount",
    "Ticket",
    "clone",
]
