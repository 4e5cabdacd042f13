"""Subscription pages: an account's own (Mon espace), and by e-mail without an account."""

from __future__ import annotations

from typing import Any, cast

from allauth.core.internal import ratelimit
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt

from council.models import User
from council.notifications import actions
from council.notifications.links import subscription_from_token, unsubscribe_token
from council.notifications.models import GENERAL_NOTICES, Delivery, NotificationChannel
from council.selectors import member_name

RATE_LIMITS = {"subscribe": "10/1h/ip"}


class EventsField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(
            label=gettext_lazy("Me prévenir quand"),
            choices=GENERAL_NOTICES,
            required=False,
            **kwargs,
        )


class SubscribeForm(forms.Form):
    email = forms.CharField(
        label=gettext_lazy("Adresse e-mail"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    events = EventsField()
    digest = forms.BooleanField(
        label=gettext_lazy("Un seul e-mail par jour, qui résume tout"), required=False
    )


class MySubscriptionsForm(forms.Form):
    events = EventsField()
    by_email = forms.BooleanField(label=gettext_lazy("Par e-mail"), required=False)
    digest = forms.BooleanField(
        label=gettext_lazy("Un seul e-mail par jour, qui résume tout"), required=False
    )
    by_sms = forms.BooleanField(label=gettext_lazy("Par SMS"), required=False)
    phone = forms.CharField(
        label=gettext_lazy("Numéro de GSM"),
        max_length=30,
        required=False,
        help_text=gettext_lazy("Par exemple 0470 12 34 56. Un SMS par nouvelle, sans publicité."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def __init__(self, *args, sms: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not sms:
            del self.fields["by_sms"]
            del self.fields["phone"]


def _add_errors(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def my_notifications(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required
    sms = actions.sms_available()
    current = actions.my_subscriptions(user)
    initial: dict[str, Any] = {
        "events": next((s.events for s in current.values()), []),
        "by_email": NotificationChannel.EMAIL in current,
        "digest": bool(
            current.get(NotificationChannel.EMAIL) and current[NotificationChannel.EMAIL].digest
        ),
        "by_sms": NotificationChannel.SMS in current,
        "phone": current[NotificationChannel.SMS].phone
        if NotificationChannel.SMS in current
        else "",
    }
    form = MySubscriptionsForm(
        request.POST if request.method == "POST" else None, initial=initial, sms=sms
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                kept = actions.check_save_my_subscriptions(
                    user,
                    events=data["events"],
                    by_email=data["by_email"],
                    digest=data["digest"],
                    by_sms=data.get("by_sms", False),
                    phone=data.get("phone", ""),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Vos notifications sont enregistrées.")
                    if kept
                    else _("Vous ne recevez plus de notifications."),
                )
                return redirect("my_notifications")
        status = 400
    return render(
        request,
        "council/notifications/mine.html",
        {
            "form": form,
            "sms": sms,
            "has_email": bool(user.email),
            "followed": [
                (member_name(s.member), s.get_channel_display(), unsubscribe_token(s))
                for s in actions.followed_members(user)
            ],
        },
        status=status,
    )


def subscribe(request: HttpRequest) -> HttpResponse:
    """Public: an address and a choice of events; nothing is sent until the link is followed."""
    form = SubscribeForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not ratelimit.consume(request, app="council", action="subscribe", config=RATE_LIMITS):
            form.is_valid()
            form.add_error(
                None, _("Trop de demandes depuis cette connexion : réessayez plus tard.")
            )
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                actions.check_subscribe_by_email(
                    email=data["email"], events=data["events"], digest=data["digest"]
                )
            except ValidationError as error:
                _add_errors(form, error)
                status = 400
            else:
                return redirect("notification_subscribe_sent")
        else:
            status = 400
    return render(request, "council/notifications/subscribe.html", {"form": form}, status=status)


def subscribe_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "council/notifications/subscribe_sent.html")


def confirm(request: HttpRequest, token: str) -> HttpResponse:
    subscription = subscription_from_token(token, purpose="confirm")
    if subscription is None or subscription.user_id is not None:
        return render(request, "council/notifications/link_invalid.html", status=404)
    if request.method == "POST":
        actions.do_confirm_subscription(subscription)
        return render(
            request,
            "council/notifications/done.html",
            {
                "title": _("Abonnement confirmé"),
                "text": _(
                    "Merci : vous recevrez désormais les nouvelles choisies à cette adresse."
                ),
            },
        )
    return render(request, "council/notifications/confirm.html", {"subscription": subscription})


@csrf_exempt  # the signed token is the credential; mail clients' one-click POST has no cookie
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    subscription = subscription_from_token(token, purpose="unsubscribe")
    if subscription is None:
        return render(request, "council/notifications/link_invalid.html", status=404)
    if request.method == "POST":
        actions.do_unsubscribe(subscription)
        return render(
            request,
            "council/notifications/done.html",
            {
                "title": _("Désabonnement enregistré"),
                "text": _("Vous ne recevrez plus ces notifications."),
            },
        )
    return render(
        request,
        "council/notifications/unsubscribe.html",
        {"subscription": subscription, "token": token},
    )


def short_link(request: HttpRequest, key: str) -> HttpResponse:
    """Where a text message's short link leads: the page it is about and an unsubscribe."""
    delivery = Delivery.objects.select_related("subscription").filter(short_key=key).first()
    if delivery is None:
        raise Http404(_("Lien inconnu."))
    return render(
        request,
        "council/notifications/short.html",
        {"delivery": delivery, "token": unsubscribe_token(delivery.subscription)},
    )


class FollowMemberForm(forms.Form):
    """Anonymous visitors give an address (double opt-in); accounts choose their channel."""

    email = forms.CharField(
        label=gettext_lazy("Adresse e-mail"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Recevoir par"), choices=NotificationChannel.choices, required=False
    )
    phone = forms.CharField(
        label=gettext_lazy("Numéro de GSM (pour le SMS)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )

    def __init__(self, *args, account: bool, sms: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if account:
            del self.fields["email"]
            if not sms:
                del self.fields["phone"]
                channel = self.fields["channel"]
                assert isinstance(channel, forms.ChoiceField)
                channel.choices = [(NotificationChannel.EMAIL, NotificationChannel.EMAIL.label)]
        else:
            del self.fields["channel"]
            del self.fields["phone"]


def member_follow_form(request: HttpRequest) -> FollowMemberForm:
    """The empty form a member's page shows."""
    return FollowMemberForm(account=request.user.is_authenticated, sms=actions.sms_available())


def follow_member(request: HttpRequest, member_id: int) -> HttpResponse:
    """Follow one member's public activity, from their page (or this page, after an error)."""
    member = actions.followable_member(member_id)
    if member is None:
        raise Http404(_("Cette personne n’a pas de mandat public."))
    account = request.user.is_authenticated
    sms = actions.sms_available()
    form = FollowMemberForm(
        request.POST if request.method == "POST" else None, account=account, sms=sms
    )
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    status = 200
    if request.method == "POST":
        status = 400
        if not ratelimit.consume(request, app="council", action="subscribe", config=RATE_LIMITS):
            form.is_valid()
            form.add_error(
                None, _("Trop de demandes depuis cette connexion : réessayez plus tard.")
            )
            status = 429
        elif form.is_valid():
            data = form.cleaned_data
            try:
                if account:
                    actions.check_follow_member(
                        cast(User, request.user),
                        member,
                        channel=data["channel"],
                        phone=data.get("phone", ""),
                    )
                else:
                    actions.check_follow_member_by_email(member=member, email=data["email"])
            except ValidationError as error:
                _add_errors(form, error)
            else:
                if not account:
                    return redirect("notification_subscribe_sent")
                messages.success(
                    request,
                    _("Vous suivez désormais l’activité publique de %(name)s.") % {"name": member},
                )
                return redirect(back or "my_notifications")
    return render(
        request,
        "council/notifications/follow_member.html",
        {"form": form, "member": member, "member_name": member_name(member), "next": back},
        status=status,
    )
