"""Programme matching: a clinic's eligibility rules, edited by its clinic managers and the
region's administrators (fixture `library`: world.programme, published in the region)."""

from tests.access_rows.base import CLINIC_ADMINS, Row, only

ROWS: dict[str, Row] = {
    "clinic_programmes": Row(only(CLINIC_ADMINS), kwargs=lambda w: {"slug": w.clinic.slug}),
    "clinic_programme_eligibility": Row(
        only(CLINIC_ADMINS), kwargs=lambda w: {"slug": w.clinic.slug, "pk": w.programme.pk}
    ),
    "clinic_programme_eligibility_reset": Row(
        only(CLINIC_ADMINS, ok="redirect"),
        method="post",
        kwargs=lambda w: {"slug": w.clinic.slug, "pk": w.programme.pk},
    ),
}
