"""Who may do what: the six roles and the capabilities each one has (DESIGN.md §1).

Pure Python so that views, the API and the permission-matrix test read the same table.
"""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    CREDIT_MANAGER = "credit_manager"
    COLLECTOR = "collector"
    ACCOUNTANT = "accountant"
    SALES = "sales"
    AUDITOR = "auditor"


class Capability(StrEnum):
    VIEW = "view"  # read the ledger and the reports (sales: only their own customers)
    EXPORT = "export"  # download what one can see as Excel or CSV
    IMPORT = "import"  # upload accounting files
    EDIT_CUSTOMERS = "edit_customers"  # terms, segment, collector, account manager, contacts
    MANAGE_USERS = "manage_users"  # create users, assign roles, deactivate
    COLLECT = "collect"  # work the worklist: send reminders, log calls, record promises and disputes
    MANAGE_COLLECTIONS = "manage_collections"  # approve actions, start runs, edit templates and scenarios
    CHECK_ORDERS = "check_orders"  # ask whether an order can be accepted, record orders, request an unblock
    MANAGE_CREDIT = "manage_credit"  # set limits, enter statements, release or reject orders on hold, unblock


_ALL = frozenset(Capability)
_READ = frozenset({Capability.VIEW, Capability.EXPORT})

CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.ADMIN: _ALL,
    Role.CREDIT_MANAGER: _READ | {Capability.EDIT_CUSTOMERS, Capability.IMPORT, Capability.COLLECT,
                                  Capability.MANAGE_COLLECTIONS, Capability.CHECK_ORDERS, Capability.MANAGE_CREDIT},
    Role.COLLECTOR: _READ | {Capability.COLLECT},
    Role.ACCOUNTANT: _READ | {Capability.IMPORT},
    Role.SALES: _READ | {Capability.CHECK_ORDERS},
    Role.AUDITOR: _READ,
}

# Roles that see only the customers they are the account manager of.
SCOPED_TO_OWN_CUSTOMERS = frozenset({Role.SALES})


def can(role: Role | None, capability: Capability) -> bool:
    return role is not None and capability in CAPABILITIES[role]
