from __future__ import annotations

from django import forms
from django.conf import settings

from evidence.models import Document


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes one or many files in one submission."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True, "id": "record-files"}))
        super().__init__(*args, **kwargs)
        # The browser refuses a larger choice before sending it (static/js/records.js).
        self.widget.attrs["data-max-files"] = settings.DATA_UPLOAD_MAX_NUMBER_FILES

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            if not data:
                return [single(None, initial)]  # raises "required"
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class DocumentUploadForm(forms.Form):
    files = MultipleFileField(
        label="Records",
        help_text="PDF (text or scanned), Word (.docx), plain text, or images of scanned pages (PNG, JPEG, TIFF).",
        error_messages={"required": "Choose at least one file to upload."},
    )
    record_type = forms.ChoiceField(
        choices=[("", "— not set —"), *Document.RecordType.choices], required=False
    )
    source = forms.CharField(
        max_length=200, required=False, help_text="Who produced the record, e.g. “Brennan County Schools”."
    )
    date_received = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # max_length on the name is checked by us (long names are shortened), not rejected.
        self.fields["files"].max_length = None
        self.fields["files"].allow_empty_file = True  # empty files get our own, clearer message
