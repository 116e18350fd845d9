"""Queries built and compiled once per process, then run with each request's values.

Building a queryset and compiling it to SQL costs the ORM about a millisecond for a plain query and several for one
with subqueries, on every request, against a fraction of that for the database to run it. A query whose SQL is the
same each time but for its values (ids, dates) is built once with stand-in values and compiled, and the places of
the stand-ins in its parameters are noted; each call puts its own values in those places and runs the same SQL,
whose rows Django's compiler reads and converts as it would have. (dscb.reversing does the same for addresses.)

On PostgreSQL the SQL is also prepared by the database, once per connection (PREPARE, then EXECUTE with the values):
it is parsed once, not on every request, and after its first five runs PostgreSQL usually keeps one plan for it
rather than planning each run (it does unless planning for the values looks cheaper). Planning took more of a
page's time in PostgreSQL than running its queries did. It helps where connections are kept (CONN_MAX_AGE above
0). DB_PREPARED_STATEMENTS turns it off, for a connection pooler that hands each transaction a different
connection (pgbouncer in transaction mode), where a statement prepared on one connection is not there on the next.
"""

import copy
import datetime
import functools
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, Error, connections
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, pre_init

# Stand-ins no table reaches and no query writes of itself (text gets a numbered phrase). Ids stay within a 32-bit
# integer, as Django leaves out a comparison with a number its column cannot hold, which would change the SQL.
_ID_STAND_IN = -1_987_000_000
_DATE_STAND_IN = datetime.date(1111, 1, 1)


def id_fits(value):
    """Whether an id may be a prepared query's value: the ORM leaves out a comparison with a number its column
    cannot hold, where a prepared query would hand the number to the database (SQLite cannot take one beyond 64
    bits). A caller with an id from outside (an address) checks it first: a larger one names nothing."""
    return -(2**63) <= value < 2**63


def _kind(name, value):
    """What kind of stand-in a value needs: an id, a list of ids (of its length), text, a date or a date and time."""
    if isinstance(value, bool) or value is None:
        raise TypeError(f"{name}: a prepared query takes ids, lists of ids, text and dates; put flags in its shape")
    if isinstance(value, int):
        if not id_fits(value):
            raise ValueError(f"{name}: an id beyond 64 bits names nothing; check it before asking")
        return ("id",)
    if isinstance(value, str):
        return ("text",)
    if isinstance(value, list | tuple):
        if not all(isinstance(item, int) and not isinstance(item, bool) for item in value):
            raise TypeError(f"{name}: a list in a prepared query holds ids only")
        if not all(id_fits(item) for item in value):
            raise ValueError(f"{name}: an id beyond 64 bits names nothing; check it before asking")
        return ("ids", len(value))
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise TypeError(f"{name}: a date and time in a prepared query must be aware")
        return ("datetime",)
    if isinstance(value, datetime.date):
        return ("date",)
    raise TypeError(f"{name}: a prepared query takes ids, lists of ids, text and dates, not {type(value).__name__}")


def _stand_ins(kinds, first=0):
    """{name: stand-in value} for the kinds, every single stand-in different from every other: numbered from
    `first`, so that two sets with different firsts have nothing in common."""
    counter = iter(range(first, first + 100_000))
    made = {}
    for name, kind in kinds:
        if kind[0] == "id":
            made[name] = _ID_STAND_IN - next(counter)
        elif kind[0] == "ids":
            made[name] = [_ID_STAND_IN - next(counter) for _ in range(kind[1])]
        elif kind[0] == "text":
            made[name] = f"prepared-query-stand-in-{next(counter)}"
        elif kind[0] == "date":
            made[name] = _DATE_STAND_IN + datetime.timedelta(days=next(counter))
        else:
            made[name] = datetime.datetime.combine(
                _DATE_STAND_IN + datetime.timedelta(days=next(counter)), datetime.time(), tzinfo=datetime.UTC
            )
    return made


def _adapter(stand_in, connection):
    """How the ORM wrote the stand-in into the parameters, as a function of the value: as it is, or adapted for the
    database (SQLite takes dates as text)."""
    if isinstance(stand_in, datetime.datetime):
        return connection.ops.adapt_datetimefield_value
    if isinstance(stand_in, datetime.date):
        return connection.ops.adapt_datefield_value
    return lambda value: value


@dataclass(frozen=True, eq=False)
class _Compiled:
    compiler: object  # None when the query can match nothing (an empty list of ids)
    sql: str
    params: tuple
    places: tuple  # (index in params, value name, index in the list or None, adapter)
    names: tuple  # the values() keys
    shape: str  # "dicts", "tuples", "flat" or "models"
    instances: object  # _Instances for "models", else None
    statement: object = None  # _Statement on PostgreSQL, else None


# The type each kind of value is declared as in PREPARE. Text is declared text rather than left for PostgreSQL to
# infer from where it stands, which it cannot do for a value given to a function of any type or asked IS NULL.
_DECLARED = {"id": "bigint", "ids": "bigint", "text": "text", "date": "date", "datetime": "timestamptz"}
# A connection prepares at most this many statements (those of failed tries among them); the next one clears them
# all (a query whose lists of ids have many lengths prepares one statement for each length).
_STATEMENTS_PER_CONNECTION = 200


@dataclass(frozen=True)
class _Statement:
    """The query as PostgreSQL prepares it: the SQL with the values' places numbered ($1, $2...) and every other
    parameter written in as the driver writes it, then the values' declared types."""

    body: str
    types: str


def _statement(sql, params, places, kinds, connection):
    """The _Statement of a compiled query, or None when its SQL does not have one placeholder per parameter."""
    pieces = re.split(r"(%%|%s)", sql)
    if pieces.count("%s") != len(params):
        return None
    numbers = {place[0]: number for number, place in enumerate(places, start=1)}
    written, index = [], 0
    for piece in pieces:
        if piece == "%s":
            if index in numbers:
                written.append(f"${numbers[index]}")
            else:
                # As the driver writes it into the SQL today, its own percent signs kept from its formatting.
                written.append(connection.ops.compose_sql("%s", [params[index]]).replace("%", "%%"))
            index += 1
        else:
            written.append(piece)
    types = ", ".join(_DECLARED[kinds[name][0]] for _, name, _, _ in places)
    return _Statement("".join(written), types)


class _Prepared:
    """The statements prepared on one database connection: compiled query -> its name there."""

    def __init__(self, raw):
        self.raw = raw
        self.names = {}
        self.made = 0  # statements prepared (or tried) since the connection opened
        self.kept = 0  # of those, since the last clearing

    def forget(self, compiled):
        """After a failed call: the statement may not be there (cleared by someone else, or its table changed), so the
        next call prepares it afresh under another name."""
        self.names.pop(compiled, None)


def _execute(connection, compiled, values):
    """(SQL, parameters, _Prepared, name) that run a compiled query through its prepared statement on this connection,
    preparing it first in the same round trip if it is not prepared yet, in which case `name` is the name for the
    caller to note once the rows are read (else None)."""
    # As Django's cursor() would next, so that a connection replaced by its health check is replaced before the
    # statements are looked up, not after.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    prepared = connection.__dict__.get("_dscb_prepared")
    if prepared is None or prepared.raw is not connection.connection:
        prepared = connection._dscb_prepared = _Prepared(connection.connection)
    arguments = f"({', '.join(['%s'] * len(values))})" if values else ""
    name = prepared.names.get(compiled)
    if name is not None:
        return f"EXECUTE {name}{arguments}", values, prepared, None
    # A new name for each try: a PREPARE outlives a transaction that fails after it, so a failed try may leave its
    # statement behind under its name.
    prepared.made += 1
    prepared.kept += 1
    name = f"dscb_{prepared.made}"
    clear = ""
    if prepared.kept > _STATEMENTS_PER_CONNECTION:
        clear = "DEALLOCATE ALL; "
        prepared.names.clear()
        prepared.kept = 1
    statement = compiled.statement
    types = f" ({statement.types})" if statement.types else ""
    sql = f"{clear}PREPARE {name}{types} AS {statement.body}; EXECUTE {name}{arguments}"
    return sql, values, prepared, name


class _Instances:
    """How ModelIterable makes a query's rows into model instances, worked out once from the compiled query: the
    model's columns, the related objects selected with it (select_related) and the annotations.

    A model whose instances Model.__init__ would make as a plain copy of the row's values (no __init__ or from_db
    of its own, no pre_init or post_init receivers, each column a plain attribute, every column read) is made by
    filling the new instance's __dict__ with the row, as __init__ would, without its per-field work: several times
    quicker for the hundreds of KPI values a report reads. Any other model is made by from_db, as the ORM does.
    """

    def __init__(self, compiler, using):
        select, klass_info = compiler.select, compiler.klass_info
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        self.populators = get_related_populators(klass_info, select, using)
        self.annotations = tuple(compiler.annotation_col_map.items())
        self.using = using
        self.plain = _plain_model(self.model, self.init_list)

    def make(self, rows):
        model, start, end, using, init_list = self.model, self.start, self.end, self.using, self.init_list
        # Asked on each read, not once when prepared: a receiver may be connected later (a cached lookup).
        plain = self.plain and not (pre_init.has_listeners(model) or post_init.has_listeners(model))
        made = []
        for row in rows:
            if plain:
                obj = model.__new__(model)
                obj._state = state = ModelState()
                state.adding, state.db = False, using
                obj.__dict__.update(zip(init_list, row[start:end], strict=True))
            else:
                obj = model.from_db(using, init_list, row[start:end])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, column in self.annotations:
                setattr(obj, name, row[column])
            made.append(obj)
        return made


def _plain_model(model, init_list):
    """Whether Model.__init__ would make the model's instances from a row of all its columns by setting each
    column's attribute in turn, with nothing else happening but the init signals, which make() asks about."""
    if model.__init__ is not Model.__init__ or model.from_db.__func__ is not Model.from_db.__func__:
        return False
    columns = model._meta.concrete_fields
    if init_list != [field.attname for field in columns]:
        return False
    # DeferredAttribute (and the ForeignKeyDeferredAttribute of a foreign key's id) keep the value in __dict__;
    # a fresh instance has no related object cached for a foreign key's __set__ to clear.
    return all(isinstance(model.__dict__.get(field.attname), DeferredAttribute) for field in columns)


class PreparedQuery:
    """A query made by `build(*shape, **values)`, compiled once per database, shape and kinds of values (with the
    length of each list of ids), and run by rows(*shape, **values).

    The query is a values() or values_list() one, or one of model instances (with any related objects it selects,
    read as the ORM reads them) with nothing prefetched. `build` must write the same query for any values of the same
    kinds: whatever else changes the query (a branch on the user's part, a flag) is passed in `shape`, and each
    shape is a query of its own. The values are ids, lists of ids, text, dates and aware dates and times; each must
    reach the parameters (a value the ORM turns into SQL text, or leaves out, is refused when the query is
    prepared).
    """

    def __init__(self, build):
        self.build = build
        self._compiled = functools.lru_cache(maxsize=64)(self._compile)

    def rows(self, *shape, using=DEFAULT_DB_ALIAS, **values):
        """The query's rows for the values, as the queryset `build` makes would give them: a list."""
        kinds = tuple(sorted((name, _kind(name, value)) for name, value in values.items()))
        compiled = self._compiled(using, shape, kinds)
        if compiled.compiler is None:
            return []
        connection = connections[using]
        placed = [
            adapt(values[name] if item is None else values[name][item]) for _, name, item, adapt in compiled.places
        ]
        prepared = name = None
        if compiled.statement is not None and settings.DB_PREPARED_STATEMENTS:
            sql, params, prepared, name = _execute(connection, compiled, placed)
        else:
            sql, params = compiled.sql, list(compiled.params)
            for (index, *_), value in zip(compiled.places, placed, strict=True):
                params[index] = value
        compiler = copy.copy(compiled.compiler)
        compiler.connection = connection
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        try:
            rows = _read(compiled, compiler)
        except Error:
            if prepared is not None:
                prepared.forget(compiled)
            raise
        if name is not None:
            prepared.names[compiled] = name
        return rows

    def _compile(self, using, shape, kinds):
        stand_ins = _stand_ins(kinds)
        queryset = self.build(*shape, **stand_ins).using(using)
        # Built a second time with other stand-ins: what differs between the two must be the stand-ins' places
        # alone, or a value reaches the SQL in a form that cannot be put in place (turned into SQL text, or
        # converted on the way, as a date compared with a date and time is).
        other = self.build(*shape, **_stand_ins(kinds, first=50_000)).using(using)
        query = queryset.query
        output = {
            ValuesIterable: "dicts",
            ValuesListIterable: "tuples",
            FlatValuesListIterable: "flat",
            ModelIterable: "models",
        }.get(queryset._iterable_class)
        if output is None or (
            output == "models"
            and (queryset._prefetch_related_lookups or queryset._known_related_objects or query.extra_select)
        ):
            raise TypeError(
                f"{self.build.__qualname__} must give a values() or values_list() queryset, or one of model "
                "instances with nothing prefetched"
            )
        names = tuple(query.selected or (*query.extra_select, *query.values_select, *query.annotation_select))
        compiler = query.get_compiler(using=using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            # Right for an empty list of ids, which matches nothing. Otherwise a stand-in did it, which the ORM found
            # no row can hold (an id beyond a small column's range): the query would match nothing for any value.
            if not any(kind == ("ids", 0) for _, kind in kinds):
                raise ValueError(
                    f"{self.build.__qualname__}: a value's column cannot hold the stand-in {stand_ins}, so the query "
                    "would match nothing; put such a value in the query's shape"
                ) from None
            return _Compiled(None, "", (), (), names, output, None)
        other_sql, other_params = other.query.get_compiler(using=using).as_sql()
        connection = connections[using]
        wanted = {}  # the stand-in as it appears in the parameters -> (value name, index in the list or None, adapter)
        for name, stand_in in stand_ins.items():
            for item, one in enumerate(stand_in) if isinstance(stand_in, list) else [(None, stand_in)]:
                adapt = _adapter(one, connection)
                wanted[adapt(one)] = (name, item, adapt)
        places = tuple((index, *wanted[param]) for index, param in enumerate(params) if _hashable(param) in wanted)
        missing = {(name, item) for name, item, _ in wanted.values()} - {(name, item) for _, name, item, _ in places}
        if missing:
            raise ValueError(f"{self.build.__qualname__}: values that do not reach the query's parameters: {missing}")
        changing = {index for index, (one, two) in enumerate(zip(params, other_params, strict=False)) if one != two}
        if other_sql != sql or len(other_params) != len(params) or changing != {place[0] for place in places}:
            raise ValueError(f"{self.build.__qualname__}: a value changes the query other than where it is put")
        instances = _Instances(compiler, using) if output == "models" else None
        statement = None
        if connection.vendor == "postgresql":
            statement = _statement(sql, params, places, dict(kinds), connection)
        return _Compiled(compiler, sql, tuple(params), places, names, output, instances, statement)


def as_prefetched(instance, name, related):
    """Put the rows read for a reverse foreign key (instance.<name>) where prefetch_related(name) puts them, each
    with the instance as its related object, so that instance.<name>.all() gives them without asking again."""
    manager = getattr(instance, name)
    queryset = manager.get_queryset()
    queryset._result_cache = list(related)
    queryset._prefetch_done = True
    for one in queryset._result_cache:
        manager.field.set_cached_value(one, instance)
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[manager.field.remote_field.cache_name] = queryset
    return instance


def _read(compiled, compiler):
    """The rows of a compiled query, from its compiler, in the shape its queryset gives them."""
    if compiled.shape == "models":
        return compiled.instances.make(compiler.results_iter())
    if compiled.shape == "dicts":
        names = compiled.names
        return [dict(zip(names, row, strict=True)) for row in compiler.results_iter()]
    if compiled.shape == "flat":
        return [row[0] for row in compiler.results_iter()]
    return list(compiler.results_iter(tuple_expected=True))


def _hashable(param):
    try:
        hash(param)
    except TypeError:
        return None
    return param
