"""The module library: reading and authoring modules and programmes, and step media.
Every pattern has a row in tests/test_access_matrix.py."""

from django.urls import path

from .views import library, modules, programmes, steps, translations

urlpatterns = [
    path("library/", library.library_index, name="library_index"),
    path("library/media/<id:pk>", library.media_file, name="library_media"),
    path("library/modules/new/", modules.module_new, name="library_module_new"),
    path("library/modules/<id:pk>/", modules.module_detail, name="library_module"),
    path("library/modules/<id:pk>/edit/", modules.module_edit, name="library_module_edit"),
    path(
        "library/modules/<id:pk>/draft/",
        modules.module_draft_edit,
        name="library_module_draft",
    ),
    path(
        "library/modules/<id:pk>/publish/",
        modules.module_publish,
        name="library_module_publish",
    ),
    path(
        "library/modules/<id:pk>/translations/new/",
        translations.module_translation_new,
        name="library_module_translation_new",
    ),
    path(
        "library/modules/<id:pk>/translations/link/",
        translations.module_translation_link,
        name="library_module_translation_link",
    ),
    path(
        "library/programmes/<id:pk>/translations/",
        translations.programme_translation,
        name="library_programme_translation",
    ),
    path(
        "library/module-versions/<id:pk>/preview/",
        modules.module_preview,
        name="library_module_preview",
    ),
    path("library/steps/<id:pk>/edit/", steps.step_edit, name="library_step_edit"),
    path("library/steps/<id:pk>/move/", steps.step_move, name="library_step_move"),
    path("library/steps/<id:pk>/delete/", steps.step_delete, name="library_step_delete"),
    path("library/programmes/new/", programmes.programme_new, name="library_programme_new"),
    path("library/programmes/<id:pk>/", programmes.programme_detail, name="library_programme"),
    path(
        "library/programmes/<id:pk>/edit/",
        programmes.programme_edit,
        name="library_programme_edit",
    ),
    path(
        "library/programmes/<id:pk>/draft/",
        programmes.programme_draft_edit,
        name="library_programme_draft",
    ),
    path(
        "library/programmes/<id:pk>/modules/",
        programmes.programme_modules,
        name="library_programme_modules",
    ),
    path(
        "library/programmes/<id:pk>/publish/",
        programmes.programme_publish,
        name="library_programme_publish",
    ),
]
