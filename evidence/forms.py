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
        help_text="PDF (text or scanned), Word (.docx), plain text, images of scanned pages (PNG, JPEG, TIFF), "
        "or a zip archive of them as an agency sent it.",
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


DETAIL_FIELDS = ["record_type", "source", "description", "dates_from", "dates_to", "date_received"]


class DocumentDetailsForm(forms.ModelForm):
    """A record's details, as the exhibit index prints them."""

    class Meta:
        model = Document
        fields = DETAIL_FIELDS
        widgets = {
            "dates_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "dates_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "date_received": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {"source": "Source (agency or person)", "dates_from": "Dated from", "dates_to": "Dated to"}


class DocumentsDetailsForm(forms.Form):
    """Details set on a selection of records at once: a field left empty leaves each record's own value."""

    documents = forms.ModelMultipleChoiceField(
        queryset=Document.objects.none(), error_messages={"required": "Select the records to change first."}
    )
    record_type = forms.ChoiceField(choices=[("", "— leave as is —"), *Document.RecordType.choices], required=False)
    source = forms.CharField(max_length=200, required=False)
    dates_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Dated from")
    dates_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}), label="Dated to")
    date_received = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = documents  # only this case's records can be chosen

    def clean(self):
        cleaned = super().clean()
        if not self.changes() and not self.errors:
            raise forms.ValidationError("Fill in at least one detail to set on the selected records.")
        return cleaned

    def changes(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "documents" and value not in ("", None)}
