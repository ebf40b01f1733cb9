"""Tamper evidence for ratings and events: a keyed hash chain, and ``verify``.

Satisfaction figures decide officials' evaluations, so a rating (or the event
log that explains it) changed, deleted or inserted by hand in SQL must be
found afterwards.  Every ``rating`` and ``event`` row gets one ``seal`` row,
written by ``seal()`` in the same transaction as the row itself:

* ``row_id``: the row it seals;
* ``fields``: the row's canonical JSON as written (every column but ``id``, typed);
* ``seq``: 1, 2, 3, ... per chain with no gap (a deleted seal is a gap);
* ``mac`` = HMAC-SHA256(key, "chain|seq|previous mac|fields").

The id is the link, not part of the MAC: on PostgreSQL an event gets its
real id only at COMMIT (db/events.py, commit order), and a trigger
(``onestop_seal_relink``) moves the seal's ``row_id`` along with it.  A row
whose id was changed by hand still shows up: its seal then points at a row
with other fields, or at none.

``verify()`` walks each chain: a wrong ``mac`` means the seal table was
edited, a sealed row that is gone was deleted, a row whose columns differ
from its seal was updated (the changed columns are named), a row with no
seal was inserted outside the programs.

Two writers must not fork a chain: the chain's ``seal_head`` row is locked
for the rest of the transaction (``FOR UPDATE`` on PostgreSQL; on SQLite the
write lock of ``BEGIN IMMEDIATE`` already serializes writers).

Where the key lives (docs/security.md): in ``seal_key``.  On PostgreSQL the
program roles cannot read it, nor write ``seal``/``seal_head``: they seal
through ``onestop_seal()``, a SECURITY DEFINER function owned by the schema
owner that computes the HMAC with the built-in ``sha256()`` (the key is kept
as its two HMAC pads, so no extension is needed).  ``onestop verify`` needs
the owner's URL.  On SQLite the one PC holds the database file, the key and
the programs: the chain then proves that a change was not made through the
programs, but someone who can run Python on that PC can re-seal.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field

import peewee as pw

from db import clock
from db.connection import database_proxy, is_postgres, with_retry, write_transaction
from db.errors import Forbidden
from db.models import Event, Rating, Seal, SealHead, SealKey, Verification

#: chain name -> the model it seals
CHAINS: dict[str, type[pw.Model]] = {"rating": Rating, "event": Event}
SEAL_FUNCTION = "onestop_seal"
_PAGE = 2000
_BLOCK = 64  # SHA-256 block size: the HMAC key is padded to it


# ---------------------------------------------------------------- the MAC

def _pads(key: bytes) -> tuple[bytes, bytes]:
    padded = key.ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in padded), bytes(b ^ 0x5C for b in padded)


def mac(inner_pad: bytes, outer_pad: bytes, chain: str, seq: int, previous: str, fields: str) -> str:
    """HMAC-SHA256 written out from its pads, exactly as ``onestop_seal()`` computes it in SQL."""
    message = f"{chain}|{seq}|{previous}|{fields}".encode()
    inner = hashlib.sha256(inner_pad + message).digest()
    return hashlib.sha256(outer_pad + inner).hexdigest()


def _coerce(model_field: pw.Field, value):
    if value is None:
        return None
    if isinstance(model_field, (pw.FloatField, pw.DoubleField)):
        return float(value)
    if isinstance(model_field, pw.BooleanField):
        return bool(value)
    if isinstance(model_field, (pw.IntegerField, pw.AutoField, pw.ForeignKeyField)):
        return int(value)
    return str(value)


def _values(model: type[pw.Model], row: pw.Model) -> dict:
    result = {}
    for f in model._meta.sorted_fields:
        if f.column_name == "id":
            continue  # the link (``seal.row_id``), assigned at commit for PostgreSQL events
        name = f.object_id_name if isinstance(f, pw.ForeignKeyField) else f.name
        result[f.column_name] = _coerce(f, getattr(row, name))
    return result


def canonical(chain: str, row: pw.Model) -> str:
    """The row as sealed: every column, typed the same way on both engines."""
    return json.dumps(_values(CHAINS[chain], row), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# ---------------------------------------------------------------- writing

def seal(chain: str, row: pw.Model) -> None:
    """Seal a freshly written ``rating`` or ``event`` row; call inside its write transaction."""
    fields = canonical(chain, row)
    if is_postgres():
        database_proxy.obj.execute_sql(f"SELECT {SEAL_FUNCTION}(%s, %s, %s)", (chain, int(row.id), fields))
        return
    head = SealHead.get_or_none(SealHead.chain == chain)
    if head is None:  # a database whose install() has not run: start the chain here
        head = SealHead.create(chain=chain, seq=0, mac="", base_id=int(row.id) - 1)
    inner, outer = _sqlite_key()
    seq = head.seq + 1
    digest = mac(inner, outer, chain, seq, head.mac, fields)
    Seal.insert(chain=chain, seq=seq, row_id=int(row.id), fields=fields, mac=digest).execute()
    SealHead.update(seq=seq, mac=digest).where(SealHead.chain == chain).execute()


def seal_copies(chain: str, rows: list[pw.Model], db: pw.Database) -> None:
    """Seal rows just written into ``db``, a database other than this process's own (``onestop sync``'s target).

    The models must be bound to ``db`` (``bind_ctx``) and the call made inside
    the transaction that wrote the rows.  The rows join ``db``'s own chain with
    ``db``'s own key, so ``onestop verify`` there checks them like any row
    written by its programs (docs/sync.md "Tamper evidence").

    A batch of thousands of rows is sealed in Python with one head read and one
    head update (``FOR UPDATE`` on PostgreSQL), the MACs computed by the same
    ``mac()`` that ``verify`` and ``onestop_seal()`` use: calling
    ``onestop_seal()`` once per row was half of a full day's sync time
    (docs/performance.md "Sync").  A PostgreSQL role that may not read the key
    falls back to ``onestop_seal()`` over an array, one statement per page.
    """
    if not rows:
        return
    postgres = is_postgres(db)
    if postgres and not db.execute_sql(
            "SELECT has_table_privilege('seal_key', 'SELECT') AND has_table_privilege('seal', 'INSERT') "
            "AND has_table_privilege('seal_head', 'UPDATE')").fetchone()[0]:
        for start in range(0, len(rows), _PAGE):
            page = rows[start:start + _PAGE]
            db.execute_sql(f"SELECT {SEAL_FUNCTION}(%s, u.id, u.fields) "
                           "FROM unnest(%s::bigint[], %s::text[]) WITH ORDINALITY AS u(id, fields, n) ORDER BY u.n",
                           (chain, [int(r.id) for r in page], [canonical(chain, r) for r in page])).fetchall()
        return
    key = SealKey.select().order_by(SealKey.id).first() or _new_key()
    inner, outer = bytes(key.inner_pad), bytes(key.outer_pad)
    query = SealHead.select().where(SealHead.chain == chain)
    head = (query.for_update() if postgres else query).first() or SealHead.create(
        chain=chain, seq=0, mac="", base_id=min(int(r.id) for r in rows) - 1)
    seq, previous, seals = head.seq, head.mac, []
    for row in rows:
        text = canonical(chain, row)
        seq += 1
        previous = mac(inner, outer, chain, seq, previous, text)
        seals.append((chain, seq, int(row.id), text, previous))
    # Plain SQL, not peewee's insert_many: building a 12,000-row INSERT in peewee cost more than sealing.
    if postgres:
        columns = list(zip(*seals, strict=True))
        db.execute_sql("INSERT INTO seal (chain, seq, row_id, fields, mac) SELECT * FROM "
                       "unnest(%s::text[], %s::bigint[], %s::bigint[], %s::text[], %s::text[])",
                       tuple(list(c) for c in columns))
    else:
        db.cursor().executemany("INSERT INTO seal (chain, seq, row_id, fields, mac) VALUES (?, ?, ?, ?, ?)", seals)
    SealHead.update(seq=seq, mac=previous).where(SealHead.chain == chain).execute()


_key_cache: dict[int, tuple[bytes, bytes]] = {}


def _sqlite_key() -> tuple[bytes, bytes]:
    """The key's pads, read once per database binding (the key never changes)."""
    from db.connection import generation

    cached = _key_cache.get(generation())
    if cached is None:
        key = SealKey.select().order_by(SealKey.id).first() or _new_key()
        cached = _key_cache[generation()] = (bytes(key.inner_pad), bytes(key.outer_pad))
    return cached


def _new_key() -> SealKey:
    inner, outer = _pads(secrets.token_bytes(32))
    return SealKey.create(inner_pad=inner, outer_pad=outer)


_FUNCTION_SQL = """
CREATE OR REPLACE FUNCTION {schema}.{name}(p_chain text, p_row_id bigint, p_fields text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $fn$
DECLARE
  h_seq bigint; h_mac text; k_in bytea; k_out bytea; n bigint; m text;
BEGIN
  SELECT seq, mac INTO h_seq, h_mac FROM seal_head WHERE chain = p_chain FOR UPDATE;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'onestop_seal: unknown chain %%', p_chain;
  END IF;
  SELECT inner_pad, outer_pad INTO k_in, k_out FROM seal_key ORDER BY id LIMIT 1;
  n := h_seq + 1;
  m := encode(sha256(k_out || sha256(k_in || convert_to(
         p_chain || '|' || n::text || '|' || h_mac || '|' || p_fields, 'UTF8'))), 'hex');
  INSERT INTO seal (chain, seq, row_id, fields, mac) VALUES (p_chain, n, p_row_id, p_fields, m);
  UPDATE seal_head SET seq = n, mac = m WHERE chain = p_chain;
  RETURN n;
END
$fn$
"""

#: PostgreSQL events are inserted with a provisional id and renumbered at COMMIT
#: (db/events.py); the seal follows its row.  Only that renumbering (negative -> real id)
#: moves a seal: no program role may UPDATE an event at all.
_RELINK_SQL = """
CREATE OR REPLACE FUNCTION {schema}.onestop_seal_relink() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = {schema}, pg_temp AS $fn$
BEGIN
  UPDATE seal SET row_id = NEW.id WHERE chain = TG_ARGV[0] AND row_id = OLD.id;
  RETURN NULL;
END
$fn$;
DROP TRIGGER IF EXISTS onestop_seal_relink ON {schema}.event;
CREATE TRIGGER onestop_seal_relink AFTER UPDATE OF id ON {schema}.event FOR EACH ROW
  WHEN (OLD.id < 0 AND NEW.id > 0) EXECUTE FUNCTION {schema}.onestop_seal_relink('event');
"""


def install() -> None:
    """Create the key, the chain heads and (PostgreSQL) the sealing function.

    Run by ``ensure_schema()`` inside its write transaction, i.e. by the
    schema owner; idempotent.  On an upgraded database the rows already
    there predate sealing: ``base_id`` marks where the chain begins.
    """
    if SealKey.select().count() == 0:
        _new_key()
    for chain, model in CHAINS.items():
        if SealHead.get_or_none(SealHead.chain == chain) is None:
            last = model.select(pw.fn.MAX(model.id)).scalar() or 0
            SealHead.create(chain=chain, seq=0, mac="", base_id=int(last))
    if is_postgres():
        db = database_proxy.obj
        schema = db.execute_sql("SELECT current_schema()").fetchone()[0]
        quoted = '"' + schema.replace('"', '""') + '"'
        db.execute_sql(_FUNCTION_SQL.format(schema=quoted, name=SEAL_FUNCTION))
        db.execute_sql(_RELINK_SQL.format(schema=quoted))
        # Functions are executable by PUBLIC by default; `onestop roles create` grants it to the programs.
        db.execute_sql(f"REVOKE ALL ON FUNCTION {quoted}.{SEAL_FUNCTION}(text, bigint, text) FROM PUBLIC")


# ---------------------------------------------------------------- verifying

@dataclass
class VerifyResult:
    ok: bool
    problems: list[str] = field(default_factory=list)
    checked: dict = field(default_factory=dict)
    at: float | None = None

    def to_json(self) -> dict:
        return {"ok": self.ok, "problems": self.problems, "checked": self.checked}


def _ranges(ids: Iterable[int]) -> list[str]:
    """``[17, 18, 19, 23]`` -> ``["17..19", "23"]``."""
    out: list[list[int]] = []
    for value in sorted(ids):
        if out and value == out[-1][1] + 1:
            out[-1][1] = value
        else:
            out.append([value, value])
    return [f"{a}..{b}" if a != b else f"{a}" for a, b in out]


def _changed(sealed: dict, current: dict) -> list[str]:
    return sorted(k for k, v in sealed.items() if current.get(k, object()) != v)


def _verify_chain(chain: str) -> tuple[list[str], dict]:
    model = CHAINS[chain]
    problems: list[str] = []
    head = SealHead.get_or_none(SealHead.chain == chain)
    if head is None:
        return [f"{chain}: the chain was never started"], {}
    key = SealKey.select().order_by(SealKey.id).first()
    inner, outer = bytes(key.inner_pad), bytes(key.outer_pad)
    previous, expected_seq, sealed_rows = "", 1, 0
    missing_rows: list[int] = []
    missing_seals: list[int] = []
    last_seq = 0
    after = 0
    while True:
        page = list(Seal.select().where((Seal.chain == chain) & (Seal.seq > after)).order_by(Seal.seq).limit(_PAGE))
        if not page:
            break
        rows = {int(r.id): r for r in model.select().where(model.id.in_([s.row_id for s in page]))}
        for s in page:
            if s.seq != expected_seq:
                missing_seals.extend(range(expected_seq, s.seq))
            if mac(inner, outer, chain, s.seq, previous, s.fields) != s.mac:
                problems.append(f"{chain} {s.row_id}: its seal was altered (seal {s.seq} does not match the chain)")
            previous, expected_seq, last_seq = s.mac, s.seq + 1, s.seq
            sealed_rows += 1
            row = rows.get(int(s.row_id))
            if row is None:
                missing_rows.append(int(s.row_id))
                continue
            changed = _changed(json.loads(s.fields), _values(model, row))
            if changed:
                problems.append(f"{chain} {s.row_id}: {', '.join(changed)} changed")
        after = page[-1].seq
    for span in _ranges(missing_rows):
        problems.append(f"{chain} {span} missing (deleted)")
    for span in _ranges(missing_seals):
        problems.append(f"{chain} seals {span} missing (seal rows deleted)")
    if head.seq != last_seq or head.mac != previous:
        problems.append(f"{chain}: the chain ends at seal {last_seq} but its head says {head.seq} "
                        "(the newest seals were removed)")
    unsealed = [int(r[0]) for r in database_proxy.obj.execute_sql(
        f"SELECT t.id FROM {model._meta.table_name} t LEFT JOIN seal s ON s.chain = %s AND s.row_id = t.id "
        "WHERE s.id IS NULL AND t.id > %s ORDER BY t.id".replace("%s", "?" if not is_postgres() else "%s"),
        (chain, int(head.base_id)))]
    for span in _ranges(unsealed):
        problems.append(f"{chain} {span}: not sealed (inserted outside the programs)")
    before = model.select().where(model.id <= head.base_id).count()
    return problems, {"sealed": sealed_rows, "unsealed": len(unsealed), "before_sealing": before}


def verify(*, record: bool = True, now: float | None = None) -> VerifyResult:
    """Check every chain; records the outcome in ``verification`` for the admin program."""
    moment = clock.now_epoch(now)

    def check() -> VerifyResult:
        problems: list[str] = []
        checked: dict = {}
        db = database_proxy.obj
        try:
            with db.atomic():  # one snapshot: a press committed meanwhile must not look like a cut chain
                if is_postgres():
                    db.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                for chain in CHAINS:
                    found, counts = _verify_chain(chain)
                    problems.extend(found)
                    checked[chain] = counts
        except pw.ProgrammingError as exc:
            if "permission denied" in str(exc).lower():
                raise Forbidden(
                    "Kiểm tra toàn vẹn cần tài khoản chủ sở hữu CSDL",
                    "verify needs the database owner's URL (program roles cannot read the seal key)",
                ) from None
            raise
        return VerifyResult(not problems, problems, checked, moment)

    result = with_retry(check)
    if record:
        def write() -> None:
            with write_transaction():
                Verification.create(at=moment, ok=result.ok, problems=json.dumps(result.problems, ensure_ascii=False),
                                    checked=json.dumps(result.checked))

        with_retry(write)
    return result


def last_verification() -> VerifyResult | None:
    """The latest ``onestop verify`` outcome (the admin program shows it)."""

    def read() -> VerifyResult | None:
        row = Verification.select().order_by(Verification.at.desc(), Verification.id.desc()).first()
        if row is None:
            return None
        return VerifyResult(bool(row.ok), json.loads(row.problems), json.loads(row.checked), float(row.at))

    return with_retry(read)
