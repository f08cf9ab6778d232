from django import forms
from django.utils import timezone

from met import dates
from met.form_errors import Form, ModelForm
from reporting.models import Rag, Report, ReportKind
from reporting.services import EARLIEST_PERIOD, REISSUE_REASON_MAX


class RequestReportForm(Form):
    kind = forms.ChoiceField(choices=ReportKind.choices, initial=ReportKind.MACE_MONTHLY)
    month = forms.DateField(
        label="Period starting",
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d", "%m/%Y"],
        help_text="The first month of the period.",
        error_messages={"required": "Choose the month the period starts.", "invalid": "Enter a month like 2026-10."},
    )

    def clean(self):
        cleaned = super().clean()
        month, kind = cleaned.get("month"), cleaned.get("kind")
        if month and month < EARLIEST_PERIOD:
            self.add_error("month", f"Period starting must be {EARLIEST_PERIOD:%B %Y} or later.")
        if month and month.replace(day=1) > timezone.localdate():
            self.add_error("month", "That period has not started yet.")
        if (
            month
            and kind in (ReportKind.LSCB_QUARTERLY, ReportKind.LSCB_HALF_YEAR)
            and month.month not in ({1, 4, 7, 10} if kind == ReportKind.LSCB_QUARTERLY else {1, 7})
        ):
            self.add_error("month", "Quarters start in January, April, July or October; half-years in January or July.")
        return cleaned


class ReissueForm(Form):
    reason = forms.CharField(
        label="Why are you re-issuing this report?",
        help_text="Say what was wrong. The reason is shown on the new issue and kept with the old one.",
        max_length=REISSUE_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Say why the report is being re-issued.",
            "max_length": f"Keep the reason to {REISSUE_REASON_MAX} characters or fewer.",
        },
    )


class CommentaryForm(ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Report
        fields = ["good_practice", "themes_narrative", "stuck_cases_narrative"]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name in fields}


class RagForm(Form):
    rating = forms.ChoiceField(
        choices=Rag.choices, widget=forms.RadioSelect, error_messages={"required": "Choose red, amber or green."}
    )
    commentary = forms.CharField(
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what the rating is based on."},
    )
    dated = dates.DateField(
        label="As at",
        initial=timezone.localdate,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        error_messages={"invalid": "Enter a real date."},
    )
