"""Database triggers that keep ``Document.allocated`` equal to the sum of its allocations.

With the CHECK constraint ``0 <= allocated <= amount`` on documents, an allocation that would settle more
than is open on either side fails inside the database, whoever inserts it. Allocations are never updated:
they are deleted and inserted again.
"""

SQLITE = [
    """
    CREATE TRIGGER ledger_allocation_check BEFORE INSERT ON ledger_allocation
    WHEN NOT EXISTS (
        SELECT 1 FROM ledger_document d, ledger_document c
        WHERE d.id = NEW.debit_id AND c.id = NEW.credit_id AND d.kind = 'invoice' AND c.kind <> 'invoice'
          AND d.customer_id = c.customer_id AND d.currency = c.currency)
    BEGIN
        SELECT RAISE(ABORT, 'allocation must link an invoice to a credit of the same customer and currency');
    END
    """,
    """
    CREATE TRIGGER ledger_allocation_added AFTER INSERT ON ledger_allocation
    BEGIN
        UPDATE ledger_document
           SET allocated = allocated + NEW.amount,
               last_allocated_on = CASE WHEN last_allocated_on IS NULL OR last_allocated_on < NEW.date
                                        THEN NEW.date ELSE last_allocated_on END
         WHERE id IN (NEW.debit_id, NEW.credit_id);
        UPDATE ledger_document
           SET closed_on = CASE WHEN allocated = amount THEN last_allocated_on END
         WHERE id IN (NEW.debit_id, NEW.credit_id);
    END
    """,
    """
    CREATE TRIGGER ledger_allocation_removed AFTER DELETE ON ledger_allocation
    BEGIN
        UPDATE ledger_document
           SET allocated = allocated - OLD.amount,
               last_allocated_on = (SELECT MAX(a.date) FROM ledger_allocation a
                                     WHERE a.debit_id = ledger_document.id OR a.credit_id = ledger_document.id)
         WHERE id IN (OLD.debit_id, OLD.credit_id);
        UPDATE ledger_document
           SET closed_on = CASE WHEN allocated = amount THEN last_allocated_on END
         WHERE id IN (OLD.debit_id, OLD.credit_id);
    END
    """,
    """
    CREATE TRIGGER ledger_allocation_frozen BEFORE UPDATE ON ledger_allocation
    BEGIN
        SELECT RAISE(ABORT, 'allocations are never edited: delete and insert again');
    END
    """,
]

SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS ledger_allocation_check",
    "DROP TRIGGER IF EXISTS ledger_allocation_added",
    "DROP TRIGGER IF EXISTS ledger_allocation_removed",
    "DROP TRIGGER IF EXISTS ledger_allocation_frozen",
]

POSTGRESQL = [
    """
    CREATE FUNCTION ledger_allocation_check() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NOT EXISTS (
            SELECT 1 FROM ledger_document d, ledger_document c
             WHERE d.id = NEW.debit_id AND c.id = NEW.credit_id AND d.kind = 'invoice' AND c.kind <> 'invoice'
               AND d.customer_id = c.customer_id AND d.currency = c.currency) THEN
            RAISE EXCEPTION 'allocation must link an invoice to a credit of the same customer and currency'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
    END $$
    """,
    """
    CREATE FUNCTION ledger_allocation_added() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE ledger_document
           SET allocated = allocated + NEW.amount,
               last_allocated_on = GREATEST(last_allocated_on, NEW.date),
               closed_on = CASE WHEN allocated + NEW.amount = amount
                                THEN GREATEST(last_allocated_on, NEW.date) END
         WHERE id IN (NEW.debit_id, NEW.credit_id);
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION ledger_allocation_removed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE ledger_document
           SET allocated = allocated - OLD.amount,
               last_allocated_on = (SELECT MAX(a.date) FROM ledger_allocation a
                                     WHERE a.debit_id = ledger_document.id OR a.credit_id = ledger_document.id)
         WHERE id IN (OLD.debit_id, OLD.credit_id);
        UPDATE ledger_document
           SET closed_on = CASE WHEN allocated = amount THEN last_allocated_on END
         WHERE id IN (OLD.debit_id, OLD.credit_id);
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION ledger_allocation_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'allocations are never edited: delete and insert again'
            USING ERRCODE = 'integrity_constraint_violation';
    END $$
    """,
    "CREATE TRIGGER ledger_allocation_check BEFORE INSERT ON ledger_allocation "
    "FOR EACH ROW EXECUTE FUNCTION ledger_allocation_check()",
    "CREATE TRIGGER ledger_allocation_added AFTER INSERT ON ledger_allocation "
    "FOR EACH ROW EXECUTE FUNCTION ledger_allocation_added()",
    "CREATE TRIGGER ledger_allocation_removed AFTER DELETE ON ledger_allocation "
    "FOR EACH ROW EXECUTE FUNCTION ledger_allocation_removed()",
    "CREATE TRIGGER ledger_allocation_frozen BEFORE UPDATE ON ledger_allocation "
    "FOR EACH ROW EXECUTE FUNCTION ledger_allocation_frozen()",
]

POSTGRESQL_DROP = [
    "DROP TRIGGER IF EXISTS ledger_allocation_check ON ledger_allocation",
    "DROP TRIGGER IF EXISTS ledger_allocation_added ON ledger_allocation",
    "DROP TRIGGER IF EXISTS ledger_allocation_removed ON ledger_allocation",
    "DROP TRIGGER IF EXISTS ledger_allocation_frozen ON ledger_allocation",
    "DROP FUNCTION IF EXISTS ledger_allocation_check()",
    "DROP FUNCTION IF EXISTS ledger_allocation_added()",
    "DROP FUNCTION IF EXISTS ledger_allocation_removed()",
    "DROP FUNCTION IF EXISTS ledger_allocation_frozen()",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"no allocation triggers for {schema_editor.connection.vendor}")
        for sql in statements:
            schema_editor.execute(sql)

    return run


create_triggers = _run({"sqlite": SQLITE, "postgresql": POSTGRESQL})
drop_triggers = _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRESQL_DROP})
