"""allauth's adapter, adjusted for accounts created on a printed login letter."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.account.stages import EmailVerificationStage


class LetterAwareEmailVerificationStage(EmailVerificationStage):
    """Mandatory verification for everyone who has an address; an account created without
    one (its login letter proved who it belongs to) has nothing to verify."""

    def handle(self):
        user = self.login.user
        if user is not None and not user.email and not EmailAddress.objects.filter(user=user):
            return None, True
        return super().handle()


class AccountAdapter(DefaultAccountAdapter):
    def get_login_stages(self) -> list[str]:
        stages = super().get_login_stages()
        default = "allauth.account.stages.EmailVerificationStage"
        ours = f"{__name__}.LetterAwareEmailVerificationStage"
        return [ours if stage == default else stage for stage in stages]
