"""Making and revoking API tokens. The key is returned once and never stored; only its hash is."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from api.models import ApiToken
from met.audit import audit
from met.models import User

KEY_PREFIX = "met_"
MAX_ACTIVE_TOKENS = 10
# Writing last_used_at on every request would turn each API read into a write; a minute is precise enough.
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def token_create(*, user: User, name: str, request: HttpRequest | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`, and its key (to show once)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the token a name, so you know later what uses it."})
    if not user.is_active:
        raise PermissionDenied("A deactivated account cannot have API tokens.")
    # Locking the user row serialises concurrent creations, so the limit holds.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(f"You already have {MAX_ACTIVE_TOKENS} tokens. Revoke one you no longer use first.")
    secret = secrets.token_urlsafe(32)
    key = KEY_PREFIX + secret
    token = ApiToken.objects.create(user=user, name=name, prefix=secret[:8], key_hash=hash_key(key))
    audit(actor=user, action="api_token.create", obj=token, request=request, detail={"prefix": token.prefix})
    return token, key


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken, request: HttpRequest | None = None) -> ApiToken:
    if token.user_id != actor.pk:
        raise PermissionDenied("You can only revoke your own tokens.")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit(actor=actor, action="api_token.revoke", obj=token, request=request, detail={"prefix": token.prefix})
    return token


def tokens_revoke_all(*, user: User, reason: str) -> int:
    """Revoke every live token of `user` (on deactivation: reactivating an account must not revive old keys)."""
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    if revoked:
        audit(
            actor=None,
            action="api_token.revoke_all",
            object_type="met.user",
            object_id=user.pk,
            detail={"count": revoked, "reason": reason},
        )
    return revoked


def token_for_key(key: str) -> ApiToken | None:
    """The live token with this key, with its user; None for an unknown, revoked or deactivated one."""
    if not key.startswith(KEY_PREFIX) or len(key) > 100:
        return None
    token = ApiToken.objects.select_related("user__agency").filter(key_hash=hash_key(key)).first()
    if token is None or token.revoked_at is not None or not token.user.is_active:
        return None
    return token


def token_touch(token: ApiToken) -> None:
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
