"""Personal-data fields say what they hold (WCAG 1.3.5): an applicant's and a referrer's
own details carry autocomplete tokens; a referred patient's details, typed by someone
else, turn autocomplete off so the referrer's own are never filled in."""

from __future__ import annotations

from tessera.intake.forms import DetailsForm, PersonForm, ReferralForm


def _tokens(form):
    return {name: field.widget.attrs.get("autocomplete") for name, field in form.fields.items()}


def test_the_applicants_own_details_have_autocomplete_tokens():
    tokens = _tokens(DetailsForm())
    assert tokens["first_name"] == "given-name" and tokens["last_name"] == "family-name"
    assert tokens["email"] == "email" and tokens["phone"] == "tel"
    assert tokens["date_of_birth"] == "bday" and tokens["language"] == "language"


def test_a_referred_patients_details_are_not_filled_from_the_referrers_browser():
    assert set(_tokens(PersonForm()).values()) == {"off"}
    # and the applicant's form is left as it was
    assert _tokens(DetailsForm())["phone"] == "tel"


def test_the_referrers_own_details_have_autocomplete_tokens():
    tokens = _tokens(ReferralForm())
    assert tokens["referrer_name"] == "name" and tokens["secure_email"] == "email"
    assert tokens["organisation"] == "organization" and tokens["phone"] == "tel"
