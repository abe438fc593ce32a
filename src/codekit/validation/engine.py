"""The scrubber: run every rule over a claim and collect the findings in a Report.

``check_claim`` never raises on a bad claim, whatever the input: a dict is
structured into a :class:`~codekit.claims.Claim` first (its problems become
``CLAIM-MALFORMED`` findings), anything else is ``CLAIM-NOT-A-CLAIM``, and a rule
that crashes becomes an ``ENGINE-RULE-FAILED`` finding while the other rules still
run. ``validate_claim`` returns the claim or raises :class:`~codekit.errors.ClaimInvalid`.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from ..errors import ClaimInvalid
from ..findings import Finding, Report, Severity
from . import facts as _facts
from . import registry as _registry
from .context import ClaimContext, make_finding

__all__ = ["DEFAULT_OPTIONS", "check_claim", "check_claims", "iter_check_claims", "validate_claim"]

DEFAULT_OPTIONS: dict[str, Any] = {
    "timely_filing_months": 12,
    "timely_filing_by_payer": {},
    "max_units": 9999,
}
"""Rule options and their defaults; pass ``options={...}`` to change some.

``timely_filing_months``: months after the date of service a claim may be filed (12:
42 CFR 424.44). ``timely_filing_by_payer``: a mapping of payer id (or payer name) to a
number of days, for payers with their own limit. ``max_units``: units on one line above
which ``LINE-UNITS-UNLIKELY`` warns."""

_RuleSpec = "str | _registry.Rule | Callable[[Any, Any], Any]"


class _Plan:
    """The resolved rule set of one combination of options."""

    __slots__ = ("checks", "builtin", "sev", "off", "user_overrides")

    def __init__(self, checks: list[tuple[Callable[[Any, Any], Any], str]],
                 sev: dict[str, Severity], off: frozenset[str],
                 user_overrides: dict[str, Severity], builtin: frozenset[int]) -> None:
        self.checks = checks
        self.builtin = builtin
        """ids of the checks that are codekit's (they return lists, and apply the run's
        severities and disabled rules themselves)."""
        self.sev = sev
        self.off = off
        self.user_overrides = user_overrides


_plans: dict[Any, tuple[int, _Plan]] = {}
_plans_lock = threading.Lock()


def _plan(rules: Iterable[Any] | None, disable: Iterable[str],
          severity_overrides: Mapping[str, Severity | str] | None) -> _Plan:
    key: Any = None
    if rules is None:
        try:
            key = (tuple(disable), tuple(sorted((severity_overrides or {}).items())))
            hash(key)
        except TypeError:
            key = None
    if key is not None:
        hit = _plans.get(key)
        if hit is not None and hit[0] == _registry.generation():
            return hit[1]
    plan = _build_plan(rules, disable, severity_overrides)
    if key is not None:
        with _plans_lock:
            if len(_plans) > 256:
                _plans.clear()
            _plans[key] = (_registry.generation(), plan)
    return plan


def _build_plan(rules: Iterable[Any] | None, disable: Iterable[str],
                severity_overrides: Mapping[str, Severity | str] | None) -> _Plan:
    registered = _registry.all_rules()
    by_id = {r.id: r for r in registered}
    chosen: list[_registry.Rule] = []
    if rules is None:
        chosen = list(registered)
    else:
        if isinstance(rules, (str, bytes)) or not isinstance(rules, Iterable):
            raise TypeError("rules must be an iterable of rule ids, Rule objects or callables")
        for spec in rules:
            if isinstance(spec, _registry.Rule):
                chosen.append(spec)
            elif isinstance(spec, str):
                fam = [r for r in registered if r.family == spec]
                if spec in by_id:
                    chosen.append(by_id[spec])
                elif fam:
                    chosen.extend(fam)
                else:
                    _registry.get(spec)  # raises KeyError naming near ids
            elif callable(spec):
                name = getattr(spec, "__name__", "RULE").upper().replace("_", "-").strip("-")
                rid = name if "-" in name else f"USER-{name or 'RULE'}"
                rid = "".join(ch for ch in rid if ch.isalnum() or ch == "-") or "USER-RULE"
                chosen.append(_registry.Rule(rid, Severity.WARNING,
                                             (spec.__doc__ or "").strip().split("\n")[0], "",
                                             spec))
            else:
                raise TypeError(f"not a rule id, Rule or callable: {spec!r}")
    off: set[str] = set()
    if isinstance(disable, str):
        disable = (disable,)
    for d in disable:
        members = {r.id for r in chosen if r.family == d}
        if d in by_id or members or any(r.id == d for r in chosen):
            off.update(members or {d})
        else:
            _registry.get(d)  # an unknown id is a mistake worth saying
    # ids of a chosen check that were not chosen themselves (a check may report several
    # ids): ctx.finding() drops them
    chosen_ids = {r.id for r in chosen}
    off.update(r.id for r in registered if r.id not in chosen_ids)
    overrides: dict[str, Severity] = {}
    for rid, value in (severity_overrides or {}).items():
        targets = {r.id for r in chosen if r.family == rid} or {rid}
        if isinstance(value, str) and value.strip().lower() == "off":
            off.update(targets)
            continue
        sev = Severity.parse(value)
        for t in targets:
            overrides[t] = sev
    sev_map: dict[str, Severity] = {}
    for r in chosen:
        if r.id not in off:
            sev_map[r.id] = overrides.get(r.id, r.severity)
    checks: list[tuple[Callable[[Any, Any], Any], str]] = []
    seen: set[int] = set()
    builtin: set[int] = set()
    for r in chosen:
        if r.id in off or id(r.check) in seen or r.check is _registry.engine_only:
            continue
        seen.add(id(r.check))
        checks.append((r.check, r.id))
        if r.builtin:
            builtin.add(id(r.check))
    user_ov = {k: v for k, v in overrides.items() if k not in by_id or not by_id[k].builtin}
    return _Plan(checks, sev_map, frozenset(off), user_ov, frozenset(builtin))


def _today() -> datetime.date:
    return datetime.date.today()


def _submitted(value: object) -> datetime.date:
    if value is None:
        return _today()
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str):
        return datetime.date.fromisoformat(value.strip())
    raise TypeError(f"submitted_on must be a date, not {type(value).__name__}")


def _options(options: Mapping[str, Any] | None) -> dict[str, Any]:
    if not options:
        return DEFAULT_OPTIONS
    unknown = set(options) - set(DEFAULT_OPTIONS)
    if unknown:
        raise ValueError(f"unknown option(s) {sorted(unknown)}; known: {sorted(DEFAULT_OPTIONS)}")
    return {**DEFAULT_OPTIONS, **options}


def _claim_class() -> type:
    from ..claims.model import Claim

    return Claim


def _not_a_claim(claim: object, plan: _Plan) -> Report:
    from ..claims.model import Claim

    if isinstance(claim, Mapping):
        from ..errors import StructureError
        from ..serialization import structure

        try:
            structure(claim, Claim)
        except StructureError as exc:
            problems = getattr(exc, "problems", None) or [str(exc)]
            out = []
            for p in problems:
                text = str(p)
                path, _, msg = text.partition(": ")
                out.append(make_finding("CLAIM-MALFORMED", plan.sev.get("CLAIM-MALFORMED",
                                        Severity.ERROR), f"not a claim: {text}",
                                        path if msg else "", None, ()))
            return Report(out)
        except Exception as exc:  # a converter failure of another kind
            return Report([make_finding("CLAIM-MALFORMED", Severity.ERROR,
                                        f"not a claim: {type(exc).__name__}: {str(exc)[:200]}",
                                        "", None, ())])
        return Report()  # pragma: no cover - structured fine: the caller runs the rules
    shown = repr(claim)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return Report([make_finding(
        "CLAIM-NOT-A-CLAIM", plan.sev.get("CLAIM-NOT-A-CLAIM", Severity.ERROR),
        f"expected a codekit Claim (or its JSON dict), got {type(claim).__name__} {shown}",
        "", None, ())])


def _structure_dict(claim: Mapping[str, Any]) -> Any:
    from ..claims.model import Claim
    from ..serialization import structure

    try:
        return structure(claim, Claim)
    except Exception:
        return None


def _run(claim: Any, plan: _Plan, submitted_on: datetime.date, options: dict[str, Any],
         store: _facts.Store, claim_cls: type) -> Report:
    if type(claim) is not claim_cls:
        if isinstance(claim, claim_cls):
            pass
        elif isinstance(claim, Mapping):
            built = _structure_dict(claim)
            if built is None:
                return _not_a_claim(claim, plan)
            claim = built
        else:
            return _not_a_claim(claim, plan)
    try:
        ctx = ClaimContext(claim, submitted_on, options, plan.sev, plan.off, store)
    except Exception as exc:
        return Report([make_finding(
            "ENGINE-RULE-FAILED", plan.sev.get("ENGINE-RULE-FAILED", Severity.ERROR),
            f"the claim could not be prepared for the rules ({type(exc).__name__}: "
            f"{str(exc)[:200]}); it is not checked", "", None, ())])
    out: list[Finding | None] = []
    extend = out.extend
    append = out.append
    off = plan.off
    builtin = plan.builtin
    for check, rid in plan.checks:
        try:
            got = check(claim, ctx)
            if got is None:
                continue
            if id(check) in builtin:
                extend(got)
                continue
            for f in got:
                if f is not None:
                    if not isinstance(f, Finding):
                        raise TypeError(f"yielded {type(f).__name__}, not a Finding")
                    if f.rule in off:
                        continue
                    append(f)
        except Exception as exc:
            append(make_finding(
                "ENGINE-RULE-FAILED", plan.sev.get("ENGINE-RULE-FAILED", Severity.ERROR),
                f"rule {rid} failed on this claim ({type(exc).__name__}: {str(exc)[:200]}); "
                "the claim is not fully checked", "", rid, ()))
    out = [f for f in out if f is not None]
    if plan.user_overrides:
        ov = plan.user_overrides
        for i, f in enumerate(out):
            assert f is not None
            sev = ov.get(f.rule)
            if sev is not None and f.severity is not sev:
                out[i] = make_finding(f.rule, sev, f.message, f.path, f.value, f.editions)
    return _report(out)  # type: ignore[arg-type]


_new = object.__new__
_set_findings = Report.findings.__set__  # type: ignore[misc,attr-defined]


def _report(findings: list[Finding]) -> Report:
    r = _new(Report)
    _set_findings(r, tuple(findings))
    return r


def check_claim(
    claim: Any,
    *,
    submitted_on: datetime.date | None = None,
    rules: Iterable[Any] | None = None,
    disable: Iterable[str] = (),
    severity_overrides: Mapping[str, Severity | str] | None = None,
    options: Mapping[str, Any] | None = None,
) -> Report:
    """Every rule's findings about one claim, as a :class:`~codekit.findings.Report`.

    ``submitted_on`` (default: today) judges future dates and timely filing; code sets
    and edit tables are chosen per line by its date of service. ``rules`` limits the run
    to some rules (ids, families, :class:`~codekit.validation.registry.Rule` objects or
    plain callables ``check(claim, ctx)``); ``disable`` turns rules or families off;
    ``severity_overrides`` maps rule ids or families to ``"error"``, ``"warning"``,
    ``"info"`` or ``"off"``; ``options`` changes rule options (:data:`DEFAULT_OPTIONS`).
    Never raises on a bad claim; a bad argument (an unknown rule id) raises.

    >>> import codekit
    >>> r = codekit.check_claim(None)
    >>> r.ok, r.findings[0].rule
    (False, 'CLAIM-NOT-A-CLAIM')
    """
    plan = _plan(rules, disable, severity_overrides)
    return _run(claim, plan, _submitted(submitted_on), _options(options), _facts.store(),
                _claim_class())


def iter_check_claims(
    claims: Iterable[Any],
    *,
    submitted_on: datetime.date | None = None,
    rules: Iterable[Any] | None = None,
    disable: Iterable[str] = (),
    severity_overrides: Mapping[str, Severity | str] | None = None,
    options: Mapping[str, Any] | None = None,
) -> Iterator[Report]:
    """Like :func:`check_claims`, one report at a time (for long streams)."""
    plan = _plan(rules, disable, severity_overrides)
    day = _submitted(submitted_on)
    opts = _options(options)
    cls = _claim_class()
    store = _facts.store()
    for claim in claims:
        if store.gen != _facts.current_generation():
            store = _facts.store()
        yield _run(claim, plan, day, opts, store, cls)


def check_claims(
    claims: Iterable[Any],
    *,
    submitted_on: datetime.date | None = None,
    rules: Iterable[Any] | None = None,
    disable: Iterable[str] = (),
    severity_overrides: Mapping[str, Severity | str] | None = None,
    options: Mapping[str, Any] | None = None,
) -> list[Report]:
    """:func:`check_claim` over a batch: one report per claim, in order. The options are
    resolved once for the batch.

    >>> import codekit
    >>> [r.ok for r in codekit.check_claims([None, 42])]
    [False, False]
    """
    return list(iter_check_claims(claims, submitted_on=submitted_on, rules=rules,
                                  disable=disable, severity_overrides=severity_overrides,
                                  options=options))


def validate_claim(
    claim: Any,
    *,
    submitted_on: datetime.date | None = None,
    rules: Iterable[Any] | None = None,
    disable: Iterable[str] = (),
    severity_overrides: Mapping[str, Severity | str] | None = None,
    options: Mapping[str, Any] | None = None,
) -> Any:
    """The claim, when no rule finds an error; otherwise raises
    :class:`~codekit.errors.ClaimInvalid` carrying the full report.

    >>> import codekit
    >>> codekit.validate_claim("not a claim")
    Traceback (most recent call last):
    ...
    codekit.errors.ClaimInvalid: 1 error: CLAIM-NOT-A-CLAIM: expected a codekit Claim ...
    """
    report = check_claim(claim, submitted_on=submitted_on, rules=rules, disable=disable,
                         severity_overrides=severity_overrides, options=options)
    if report.ok:
        if isinstance(claim, Mapping):
            return _structure_dict(claim)
        return claim
    errors = report.errors
    first = errors[0]
    where = f" ({first.path})" if first.path else ""
    more = f"; and {len(errors) - 1} more" if len(errors) > 1 else ""
    raise ClaimInvalid(
        f"{len(errors)} error{'s' if len(errors) > 1 else ''}: {first.rule}{where}: "
        f"{first.message}{more}",
        report=report,
    )
