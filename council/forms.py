"""Forms for the council's people."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from council.actions import email_in_use
from council.models import Council, Role

# Names end up in e-mails, lists and PDFs: terminal escapes and other controls have no place.
no_control_characters = RegexValidator(
    r"[\x00-\x1f\x7f-\x9f]",
    inverse_match=True,
    message=_("Ce champ contient des caractères de contrôle non autorisés."),
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


VOTING_CHOICES = [
    ("", _("Selon le rôle (effectif·ves, présidence et vice-présidence votent)")),
    ("yes", _("Oui")),
    ("no", _("Non")),
]


def limit_councils(form: forms.Form, councils) -> None:
    """Offer only the councils the acting user may act in; preselect when there is one."""
    field = form.fields["council"]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = councils
    if len(councils) == 1:
        field.initial = councils[0].pk


class InviteMemberForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        help_text=_("L’invitation et son lien y seront envoyés."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    first_name = forms.CharField(
        label=_("Prénom"),
        max_length=150,
        validators=[no_control_characters],
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    last_name = forms.CharField(
        label=_("Nom"),
        max_length=150,
        validators=[no_control_characters],
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    council = forms.ModelChoiceField(label=_("Conseil"), queryset=Council.objects.none())
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices, initial=Role.MEMBER)
    voting = forms.ChoiceField(label=_("Droit de vote"), choices=VOTING_CHOICES, required=False)
    start = forms.DateField(label=_("Début du mandat"), widget=DateInput())
    end = forms.DateField(
        label=_("Fin du mandat"),
        required=False,
        widget=DateInput(),
        help_text=_("Laissez vide pour un mandat sans date de fin."),
    )
    organisation = forms.CharField(
        label=_("Organisation représentée"),
        max_length=200,
        required=False,
        validators=[no_control_characters],
        help_text=_(
            "Facultatif : l’association, l’école ou le service que la personne représente."
        ),
    )

    def __init__(self, *args, councils, **kwargs):
        super().__init__(*args, **kwargs)
        limit_councils(self, councils)
        self.fields["start"].initial = timezone.localdate()

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email_in_use(email):
            raise forms.ValidationError(
                _(
                    "Un compte existe déjà avec cette adresse e-mail. Si cette personne doit "
                    "siéger, ajoutez-lui un mandat plutôt que de l’inviter une seconde fois."
                ),
                code="email_in_use",
            )
        return email

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("La fin du mandat doit suivre son début."))
        return cleaned

    @property
    def has_voting_right(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("voting") or "")
