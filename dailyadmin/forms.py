"""The site's one form renderer (settings.FORM_RENDERER): every field of every form is
drawn by templates/forms/field.html ({{ form.field.as_field_group }}), a whole form by
templates/forms/form.html ({{ form }}), from the project's templates (TemplatesSetting)."""

from __future__ import annotations

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
