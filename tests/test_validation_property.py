"""Totality: check_claim never raises, whatever it is given.

Generated junk: well-typed claims with junk values (unicode codes, huge and tiny units
and charges, pointers of any size, the earliest and latest dates, missing parts),
JSON-like dicts, values of other types, and claims whose fields were forced to wrong
types after construction. A well-typed claim must never make a rule crash (no
``ENGINE-RULE-FAILED``); a forced, wrongly typed one may, but check_claim still returns
a report.

The normal run does a few hundred examples; ``nox -s property`` sets
``CODEKIT_PROPERTY_EXAMPLES`` to 100,000 for the main test (a fifth and a tenth of it for
the two others) for the long run.
"""

from __future__ import annotations

import datetime
import os
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import codekit
from codekit.claims import Address, Claim, Patient, Payer, Provider, ServiceLine, Subscriber
from codekit.findings import Report, Severity

EXAMPLES = int(os.environ.get("CODEKIT_PROPERTY_EXAMPLES", "200"))
SUBMITTED = datetime.date(2026, 6, 1)
RULES = {r.id for r in codekit.rules.all()}

_HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
CHECK = settings(max_examples=EXAMPLES, deadline=None, database=None,
                 suppress_health_check=_HEALTH)
CHECK_JSON = settings(max_examples=max(EXAMPLES // 5, 100), deadline=None, database=None,
                      suppress_health_check=_HEALTH)
CHECK_FORCED = settings(max_examples=max(EXAMPLES // 10, 100), deadline=None, database=None,
                        suppress_health_check=_HEALTH)

codeish = st.one_of(
    st.sampled_from(["99213", "99214", "20610", "29881", "29877", "45380", "45378", "G0439",
                     "J1885", "99292", "G2211", "A0425", "C5271", "0001U", "3074F", "U9999",
                     "", " ", "9921", "99213 ", "g0439"]),
    st.text(max_size=8),
    st.text(alphabet="0123456789ABCDEFGJTUX ", min_size=4, max_size=6),
)
dxish = st.one_of(
    st.sampled_from(["I10", "E11.9", "E11", "E10.9", "S52.521", "T78.40A", "250.00", "G35",
                     "F02.80", "G63", "W19.XXXA", "C61", "O80", "Z00.129", "Z38.00", "N40.1",
                     "M54.50", "M54.41", "J84.89", "J70.3", "", "e119", "I10.9", "QA00"]),
    st.text(max_size=9),
    st.text(alphabet="ABCDEFGIJKMNOQRSTVWXYZ0123456789.", min_size=1, max_size=8),
)
modish = st.one_of(st.sampled_from(["25", "59", "XS", "LT", "RT", "26", "TC", "50", "GT", "ZX",
                                    "QQ", "76", "95"]),
                   st.text(min_size=2, max_size=2).filter(lambda m: len(m.strip()) == 2))
dates = st.one_of(st.dates(), st.dates(min_value=datetime.date(2014, 1, 1),
                                       max_value=datetime.date(2027, 12, 31)),
                  st.sampled_from([datetime.date.min, datetime.date.max,
                                   datetime.date(2015, 10, 1), datetime.date(2024, 9, 30)]))
numbers = st.one_of(
    st.decimals(allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal("0"), Decimal("-1"), Decimal("1.5"), Decimal("9E+999999"),
                     Decimal("1E-999999"), Decimal("10.005"), Decimal("99999999999"),
                     Decimal("-9E+999999")]),
    st.integers(min_value=-10**30, max_value=10**30).map(Decimal),
)
texts = st.one_of(st.none(), st.text(max_size=12),
                  st.sampled_from(["1234567893", "1234567890", "PO BOX 1", "787011234", "F", "M",
                                   "U", "123456789", "12-3456789"]))
addresses = st.builds(Address, line1=texts, line2=texts, city=texts, state=texts,
                      postal_code=texts)
providers = st.one_of(st.none(), st.builds(Provider, npi=texts, organization_name=texts,
                                           last_name=texts, tax_id=texts,
                                           address=st.one_of(st.none(), addresses)))
def _built(cls: Any) -> Any:
    """A constructor for st.builds that rejects the inputs the model refuses (its own
    checks, not the scrubber's business)."""

    def make(**kw: Any) -> Any:
        from hypothesis import reject

        from codekit.errors import CodekitError

        try:
            return cls(**kw)
        except CodekitError:
            reject()

    return make


lines = st.builds(
    _built(ServiceLine),
    code=codeish,
    modifiers=st.lists(modish, max_size=6),
    units=numbers,
    charge=st.one_of(st.none(), numbers),
    diagnosis_pointers=st.lists(st.integers(min_value=-5, max_value=2**70), max_size=6),
    service_date=st.one_of(st.none(), dates),
    service_date_to=st.one_of(st.none(), dates),
    place_of_service=texts,
    rendering_provider=providers,
)
claims = st.builds(
    _built(Claim),
    diagnoses=st.lists(dxish, max_size=15),
    lines=st.lists(lines, max_size=8),
    patient=st.one_of(st.none(), st.builds(Patient, last_name=texts, first_name=texts,
                                           birth_date=st.one_of(st.none(), dates), sex=texts,
                                           member_id=texts)),
    subscriber=st.one_of(st.none(), st.builds(Subscriber, member_id=texts, relationship=texts)),
    payer=st.one_of(st.none(), st.builds(Payer, name=texts, payer_id=texts)),
    billing_provider=providers,
    rendering_provider=providers,
    referring_provider=providers,
    place_of_service=texts,
    frequency_code=texts,
    original_claim_id=texts,
)
json_like = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=10)),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.sampled_from(
                                   ["diagnoses", "lines", "code", "units", "charge", "patient",
                                    "service_date", "diagnosis_pointers", "modifiers", "x"]) |
                                   st.text(max_size=6), children, max_size=5)),
    max_leaves=20,
)


def _assert_report(report: Report, *, allow_crash: bool) -> None:
    assert isinstance(report, Report)
    for f in report:
        assert f.rule in RULES, f.rule
        assert isinstance(f.message, str) and f.message
        assert isinstance(f.severity, Severity)
        f.to_dict()
        if not allow_crash:
            assert f.rule != "ENGINE-RULE-FAILED", f.message


@CHECK
@given(claim=claims, submitted=st.one_of(st.just(SUBMITTED), dates))
def test_well_typed_junk_claims_never_crash_a_rule(claim: Claim, submitted: datetime.date) -> None:
    _assert_report(codekit.check_claim(claim, submitted_on=submitted), allow_crash=False)


@CHECK_JSON
@given(data=json_like)
def test_json_like_junk_never_raises(data: Any) -> None:
    _assert_report(codekit.check_claim(data, submitted_on=SUBMITTED), allow_crash=False)


@CHECK_FORCED
@given(claim=claims, field=st.sampled_from(["diagnoses", "lines", "patient", "payer",
                                             "billing_provider", "frequency_code",
                                             "place_of_service"]),
       junk=st.one_of(st.none(), st.integers(), st.text(max_size=5), st.lists(st.integers(),
                                                                              max_size=3)))
def test_forced_wrong_types_still_give_a_report(claim: Claim, field: str, junk: object) -> None:
    object.__setattr__(claim, field, junk)
    _assert_report(codekit.check_claim(claim, submitted_on=SUBMITTED), allow_crash=True)
