"""The module library, authoring and content packages."""

from tests.access_rows.base import (  # noqa: F401
    ANON_PAGE,
    CLINIC_ADMINS,
    CLINIC_WIDE,
    CLINICAL_STAFF,
    OWNER_ONLY,
    PATIENTS,
    SIGNED_IN_PAGE,
    STAFF,
    TAILORS,
    Row,
    everyone,
    only,
)

ROWS: dict[str, Row] = {
    # the module library (fixture `library`): every staff member of the region reads what
    # is published; content authors of the region write; patients get step media
    "library_index": Row(only(STAFF)),
    "library_module": Row(only(STAFF), kwargs=lambda w: {"pk": w.module.pk}),
    "library_module_preview": Row(only(STAFF), kwargs=lambda w: {"pk": w.module_version.pk}),
    "library_programme": Row(only(STAFF), kwargs=lambda w: {"pk": w.programme.pk}),
    "library_media": Row(
        everyone("ok", anon="login", staff_no_mfa="mfa"), kwargs=lambda w: {"pk": w.media.pk}
    ),
    "library_module_new": Row(only(["author"])),
    "library_module_draft": Row(only(["author"]), kwargs=lambda w: {"pk": w.module.pk}),
    "library_step_edit": Row(
        only(["author"]), kwargs=lambda w: {"pk": w.module_draft.steps.first().pk}
    ),
    "library_programme_new": Row(only(["author"])),
    "library_programme_draft": Row(only(["author"]), kwargs=lambda w: {"pk": w.programme.pk}),
    "library_programme_modules": Row(only(["author"]), kwargs=lambda w: {"pk": w.programme.pk}),
    "library_module_edit": Row(
        only(["author"], ok="redirect"), method="post", kwargs=lambda w: {"pk": w.module.pk}
    ),
    "library_module_publish": Row(
        only(["author"], ok="redirect"), method="post", kwargs=lambda w: {"pk": w.module.pk}
    ),
    "library_step_move": Row(
        only(["author"], ok="redirect"),
        method="post",
        data={"direction": "down"},
        kwargs=lambda w: {"pk": w.module_draft.steps.first().pk},
    ),
    "library_step_delete": Row(
        only(["author"], ok="redirect"),
        method="post",
        kwargs=lambda w: {"pk": w.module_draft.steps.last().pk},
    ),
    "library_programme_edit": Row(
        only(["author"], ok="redirect"), method="post", kwargs=lambda w: {"pk": w.programme.pk}
    ),
    "library_programme_publish": Row(
        only(["author"], ok="redirect"), method="post", kwargs=lambda w: {"pk": w.programme.pk}
    ),
    # translations: only the region's content authors start or link one, or write a
    # programme draft's patient text in another language
    "library_module_translation_new": Row(
        only(["author"], ok="redirect"),
        method="post",
        data={"language": "da"},
        kwargs=lambda w: {"pk": w.module.pk},
    ),
    "library_module_translation_link": Row(
        only(["author"], ok="redirect"),
        method="post",
        data={"other": "0"},
        kwargs=lambda w: {"pk": w.module.pk},
    ),
    "library_programme_translation": Row(only(["author"]), kwargs=lambda w: {"pk": w.programme.pk}),
    # content packages: authors of the region import; any staff of the region downloads
    # the latest published version of a programme (fixture `library`: world.programme)
    "package_import": Row(only(["author"])),
    "programme_export": Row(only(STAFF), kwargs=lambda w: {"pk": w.programme.pk}),
}
