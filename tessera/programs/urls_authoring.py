"""The module library: reading and authoring modules and programmes, and step media.
Every pattern has a row in tests/test_access_matrix.py."""

from django.urls import path

from .views import library, modules, programmes, steps, translations

urlpatterns = [
    path("library/", library.library_index, name="library_index"),
    path("library/media/<int:pk>", library.media_file, name="library_media"),
    path("library/modules/new/", modules.module_new, name="library_module_new"),
    path("library/modules/<int:pk>/", modules.module_detail, name="library_module"),
    path("library/modules/<int:pk>/edit/", modules.module_edit, name="library_module_edit"),
    path(
        "library/modules/<int:pk>/draft/",
        modules.module_draft_edit,
        name="library_module_draft",
    ),
    path(
        "library/modules/<int:pk>/publish/",
        modules.module_publish,
        name="library_module_publish",
    ),
    path(
        "library/modules/<int:pk>/translations/new/",
        translations.module_translation_new,
        name="library_module_translation_new",
    ),
    path(
        "library/modules/<int:pk>/translations/link/",
        translations.module_translation_link,
        name="library_module_translation_link",
    ),
    path(
        "library/programmes/<int:pk>/translations/",
        translations.programme_translation,
        name="library_programme_translation",
    ),
    path(
        "library/module-versions/<int:pk>/preview/",
        modules.module_preview,
        name="library_module_preview",
    ),
    path("library/steps/<int:pk>/edit/", steps.step_edit, name="library_step_edit"),
    path("library/steps/<int:pk>/move/", steps.step_move, name="library_step_move"),
    path("library/steps/<int:pk>/delete/", steps.step_delete, name="library_step_delete"),
    path("library/programmes/new/", programmes.programme_new, name="library_programme_new"),
    path("library/programmes/<int:pk>/", programmes.programme_detail, name="library_programme"),
    path(
        "library/programmes/<int:pk>/edit/",
        programmes.programme_edit,
        name="library_programme_edit",
    ),
    path(
        "library/programmes/<int:pk>/draft/",
        programmes.programme_draft_edit,
        name="library_programme_draft",
    ),
    path(
        "library/programmes/<int:pk>/modules/",
        programmes.programme_modules,
        name="library_programme_modules",
    ),
    path(
        "library/programmes/<int:pk>/publish/",
        programmes.programme_publish,
        name="library_programme_publish",
    ),
]
