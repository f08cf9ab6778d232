from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 hash of the key is kept: the key is shown once, when made.

    Tokens are revoked, never deleted, so the audit trail of what a token did keeps its meaning.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What the token is for, for example “Police case system”.")
    # The first characters of the key after "met_": enough to tell tokens apart, useless for signing in.
    prefix = models.CharField(max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return f"{self.name} (met_{self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
