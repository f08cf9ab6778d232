"""Tokens follow their account: deactivating a user revokes their tokens for good.

Authentication also checks `user.is_active` on every request, so a token stops working the moment
the account is deactivated, however that happens; revoking as well means that reactivating the
account later does not quietly bring old keys (perhaps copied into other systems) back to life.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from met.models import User


@receiver(post_save, sender=User, dispatch_uid="api.revoke_tokens_of_deactivated_user")
def revoke_tokens_of_deactivated_user(sender, instance: User, created: bool, **kwargs) -> None:
    if created or instance.is_active:
        return
    from api.services import tokens_revoke_all

    tokens_revoke_all(user=instance, reason="account deactivated")
