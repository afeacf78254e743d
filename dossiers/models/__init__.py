"""The dossier's models: the dossier and its state machine (dossier.py), its
documents and files, its trail (pauses, audit events, code sequences), what
it sends out (notifications, slips), and the report's rollups."""

from dossiers.delivery import Delivery
from dossiers.models.assistance import Assistance
from dossiers.models.documents import Attachment, DossierDocument
from dossiers.models.dossier import Dossier, DossierQuerySet, ExemptionStatus, missing_of, private_storage
from dossiers.models.outputs import CounterDigest, Notification, Slip
from dossiers.models.payments import Payment, PaymentMethod, PaymentState
from dossiers.models.results import Result, ResultQuerySet
from dossiers.models.rollups import BalancedMonth, DailyTally, MonthlyTally, OpenBalance
from dossiers.models.settlements import Settlement
from dossiers.models.supplements import RequestedDocument, RequestedQuerySet
from dossiers.models.trail import CodeSequence, DossierEvent, EventQuerySet, Pause
from dossiers.states import State

__all__ = [
    "Assistance",
    "Attachment",
    "BalancedMonth",
    "CodeSequence",
    "CounterDigest",
    "DailyTally",
    "Delivery",
    "Dossier",
    "DossierDocument",
    "DossierEvent",
    "DossierQuerySet",
    "EventQuerySet",
    "ExemptionStatus",
    "MonthlyTally",
    "Notification",
    "OpenBalance",
    "Pause",
    "Payment",
    "PaymentMethod",
    "PaymentState",
    "RequestedDocument",
    "RequestedQuerySet",
    "Result",
    "ResultQuerySet",
    "Settlement",
    "Slip",
    "State",
    "missing_of",
    "private_storage",
]
